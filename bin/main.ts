// blebench: parses arguments and wires roles and transports (design.md, "The command line").
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode } from '../common/errors/blebench-error.js';
import { reportError } from './cli-errors.js';
import { escapeForTerminal } from '../common/output/escape.js';
import { registerAir } from './commands/air.js';
import { registerCentral } from './commands/central.js';
import { registerDoctorAndPlatformDefault } from './commands/doctor.js';
import { registerFuzz } from './commands/fuzz.js';
import { registerPeripheral } from './commands/peripheral.js';
import { registerRun } from './commands/run.js';
import { readFileSync } from 'node:fs';
import { flushOpenKeyStores } from '../common/smp/json-key-store.js';

function version(): string {
  // dist/bin/main.js → the package root is two folders up; from the sources (tests call main), one.
  for (const up of ['../../package.json', '../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string; }).version;
    } catch {
      /* try the next place */
    }
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const done = (c: ExitCode) => {
    code = c;
  };
  const program = new Command()
    .name('blebench')
    .description('Bluetooth LE peripheral/central testbench: encrypted characteristics, CCCDs and pairing error paths,\nover real adapters or the built-in virtual radio')
    .version(version())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(escapeForTerminal(s)), writeOut: (s) => process.stdout.write(s) });
  registerRun(program, done);
  registerPeripheral(program, done);
  registerCentral(program, done);
  registerAir(program, done);
  registerFuzz(program, done);
  registerDoctorAndPlatformDefault(program, done);
  for (const c of program.commands) c.exitOverride();
  let result: ExitCode;
  try {
    await program.parseAsync(argv);
    result = code;
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')) return EXIT.OK;
    result = reportError(err);
  }
  return keysFlushed(result);
}

/**
 * Keys are never lost: whatever ended the command (its end, SIGINT/SIGTERM, an error), the key store
 * writes still under way end before main returns (bin/blebench.js exits 250 ms after that), within a
 * bound; those that do not have their bonds saved to a fallback file, said here, and the run ends 1.
 */
async function keysFlushed(code: ExitCode): Promise<ExitCode> {
  const late = await flushOpenKeyStores();
  for (const e of late) process.stderr.write(escapeForTerminal(`blebench: ${e.message}\n  what to do: ${e.hint}\n`));
  return late.length && code === EXIT.OK ? EXIT.EXPECTATION_FAILED : code;
}
