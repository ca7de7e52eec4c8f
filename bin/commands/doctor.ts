// blebench doctor [--json]: what this machine offers for reaching a real radio, and what to do about
// what is missing (common/apps/doctor). Exit 0 when a hardware route is usable now, 3 otherwise; `mock` and
// `h4:` always work and do not count.
//
// Registered with the platform default for --transport (common/stack/hci/transport-default.ts): on macOS and
// Windows, `central --target ...` and `peripheral` without --transport use the OS stack (`os`), with a
// line on stderr saying so. Both live here so that bin/main.ts gains one registration line.
import { escapeForTerminal, escapeJsonForTerminal } from '../../common/base/output/escape.js';
import type { Command } from 'commander';
import { logFormatOption, loggerFrom, logLevelOption, noColorOption } from '../options.js';
import { diagnose, realProbes, renderDoctor, type Probes } from '../../common/apps/doctor/index.js';
import type { ExitCode } from '../../common/base/errors/blebench-error.js';
import { defaultTransport, type TransportCommand } from '../../common/stack/hci/transport-default.js';

export async function runDoctor(opts: { json?: boolean }, probes: Probes = realProbes(), out: (s: string) => void = (s) => process.stdout.write(s)): Promise<ExitCode> {
  const report = await diagnose(probes);
  // Adapter names and tool output come from the system: escaped before they reach a terminal.
  out(opts.json ? `${escapeJsonForTerminal(JSON.stringify(report, null, 2))}\n` : escapeForTerminal(renderDoctor(report)));
  return report.exitCode;
}

/**
 * Before a command's action: when --transport was not given, put the platform's default in its place
 * and say so. Exported for tests (they pass the platform and where the line goes).
 */
export function platformTransportDefault(platform: NodeJS.Platform = process.platform, note: (s: string) => void = (s) => process.stderr.write(s)) {
  return (_root: Command, action: Command): void => {
    const command = action.name();
    if (command !== 'central' && command !== 'peripheral' && command !== 'run') return;
    if (action.getOptionValueSource('transport') !== 'default') return;
    const opts = action.opts<{ target?: string }>();
    const choice = defaultTransport({ platform, command: command as TransportCommand, ...(opts.target !== undefined ? { target: opts.target } : {}) });
    action.setOptionValueWithSource('transport', choice.spec, 'default');
    if (choice.note) note(`${choice.note}\n`);
  };
}

export function registerDoctorAndPlatformDefault(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('doctor')
    .description('what this machine offers for reaching a real radio (kernel Bluetooth, adapters, permissions, dongles, serial controllers, the OS stack) and what to do about what is missing; exit 0 when a hardware route is usable, 3 when none is (mock and h4: always work and do not count)')
    .option('--json', 'print the report as JSON')
    .addOption(noColorOption())
    .addOption(logLevelOption().default('warn'))
    .addOption(logFormatOption())
    .addHelpText('after', '\n`--transport mock` (the virtual radio) and `h4:` (a `blebench air` server) always work: they need no hardware,\nso they do not count. Exit 0 means a route to a real radio is usable now (hci:N, hci-user:N, usb, serial:PATH\nor os); exit 3 means none is, and the report says what to do.\n')
    .action(async (opts: { json?: boolean; logLevel: string; logFormat: string }) => {
      const log = loggerFrom(opts, 'doctor');
      log.debug('probing this machine');
      const code = await runDoctor(opts);
      log.info({ exitCode: code }, 'done');
      done(code);
    });
  program.hook('preAction', platformTransportDefault());
}
