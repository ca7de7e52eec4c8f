// blebench fuzz [--role peripheral|central|both] [--seed N] [--cases N] [--json]
// Malformed, truncated, oversized and out-of-order ATT, SMP and L2CAP PDUs over the virtual radio,
// and HCI events with wrong lengths, into each role running in its own process (common/apps/fuzz/).
// Prints the seed first, progress, the findings and `N cases, C crashes, H hangs`; exit 0 when no
// crash and no hang, 1 otherwise.
import { escapeForTerminal, escapeJsonForTerminal } from '../../common/base/output/escape.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomInt } from 'node:crypto';
import { Option, type Command } from 'commander';
import { BadInputError, EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { countLine, verdictText } from '../../common/apps/fuzz/verdict.js';
import { FUZZ_DEFAULTS, runFuzz, type FuzzTargetSpec } from '../../common/apps/fuzz/run-fuzz.js';
import { MAX_SEED } from '../../common/apps/fuzz/prng.js';
import { durationMs, logFormatOption, loggerFrom, logLevelOption, noColorOption, positiveInt } from '../options.js';
import { registerCentralDriver, CENTRAL_DRIVER_COMMAND, CENTRAL_DRIVER_READY } from './fuzz-central-driver.js';

interface FuzzOptions {
  role: 'peripheral' | 'central' | 'both';
  seed?: number;
  cases: number;
  json?: boolean;
  batch: number;
  probeTimeout: number;
  logLevel: string;
  logFormat: string;
}

/** Where the peripheral's line says it is ready for a central (bin/commands/peripheral.ts). */
const PERIPHERAL_READY = /waiting for a central/;

/** bin/blebench.js, from the compiled dist/bin/commands/ or from the sources in bin/commands/. */
export function blebenchScript(): string {
  for (const rel of ['../../../bin/blebench.js', '../../bin/blebench.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('bin/blebench.js not found next to this build');
}

const seedOption = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > MAX_SEED) throw new BadInputError('BAD_FLAG', `--seed ${JSON.stringify(v)}: expected a whole number from 0 to ${MAX_SEED}`, { path: '--seed' });
  return Number(v);
};

export function registerFuzz(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('fuzz')
    .description('feed malformed, truncated, oversized and out-of-order ATT/SMP/L2CAP PDUs and wrong-length HCI events into each role over the virtual radio; exit 1 on any crash or hang')
    .addOption(new Option('--role <role>', 'which role to fuzz').choices(['peripheral', 'central', 'both']).default('both'))
    .option('--seed <n>', 'seed of the cases (printed first; the same seed gives the same cases)', seedOption)
    .option('--cases <n>', 'cases in all, shared among the targets', positiveInt('--cases'), FUZZ_DEFAULTS.cases)
    .option('--json', 'the verdict as one JSON object on stdout')
    .addOption(noColorOption())
    .addOption(new Option('--batch <n>', 'cases between two liveness probes').argParser(positiveInt('--batch')).default(FUZZ_DEFAULTS.batchSize).hideHelp())
    .addOption(new Option('--probe-timeout <ms>', 'time a target has to answer a liveness probe').argParser(durationMs('--probe-timeout')).default(FUZZ_DEFAULTS.probeTimeoutMs).hideHelp())
    .addOption(logLevelOption().default('warn'))
    .addOption(logFormatOption())
    .action(async (opts: FuzzOptions) => done(await runFuzzCommand(opts)));
  registerCentralDriver(program, done);
}

function peripheralTargets(script: string): FuzzTargetSpec[] {
  const base = (air: string) => [script, 'peripheral', '--transport', `h4:${air}`, '--log-level', 'error'];
  return [
    { label: 'peripheral (bleno SMP)', role: 'peripheral', command: (air) => ({ command: process.execPath, args: base(air), ready: PERIPHERAL_READY }) },
    {
      label: 'peripheral (Security Manager, SC, KeyboardDisplay)',
      role: 'peripheral',
      command: (air) => ({ command: process.execPath, args: [...base(air), '--io-capability', 'KeyboardDisplay', '--sc', 'allowed', '--passkey', '123456', '--no-bonding'], ready: PERIPHERAL_READY }),
    },
  ];
}

function centralTargets(script: string): FuzzTargetSpec[] {
  const base = (air: string) => [script, CENTRAL_DRIVER_COMMAND, '--transport', `h4:${air}`];
  return [
    { label: 'central (noble SMP)', role: 'central', command: (air) => ({ command: process.execPath, args: base(air), ready: CENTRAL_DRIVER_READY }) },
    {
      label: 'central (Security Manager, SC, KeyboardDisplay)',
      role: 'central',
      command: (air) => ({ command: process.execPath, args: [...base(air), '--io-capability', 'KeyboardDisplay', '--sc', 'allowed', '--passkey', '123456', '--no-bonding'], ready: CENTRAL_DRIVER_READY }),
    },
  ];
}

/** The targets of `--role`: each role with its stack's own SMP and with blebench's Security Manager. */
export function fuzzTargets(role: FuzzOptions['role']): FuzzTargetSpec[] {
  const script = blebenchScript();
  return [...(role !== 'central' ? peripheralTargets(script) : []), ...(role !== 'peripheral' ? centralTargets(script) : [])];
}

export async function runFuzzCommand(opts: FuzzOptions): Promise<ExitCode> {
  const seed = opts.seed ?? randomInt(0, MAX_SEED);
  const targets = fuzzTargets(opts.role);
  const say = (line: string) => void (opts.json ? process.stderr : process.stdout).write(escapeForTerminal(`${line}\n`));
  say(`blebench fuzz: seed ${seed} (repeat with --seed ${seed}), ${opts.cases} cases over ${targets.map((t) => t.label).join(', ')}`);
  const log = loggerFrom(opts, 'fuzz');
  log.info({ seed, cases: opts.cases, targets: targets.map((t) => t.label) }, 'fuzzing');
  const verdict = await runFuzz({ seed, cases: opts.cases, targets, batchSize: opts.batch, probeTimeoutMs: opts.probeTimeout, progress: say });
  log.info({ cases: verdict.cases, crashes: verdict.crashes, hangs: verdict.hangs }, 'done');
  // A finding quotes the target's stderr: escaped before it reaches a terminal.
  if (opts.json) process.stdout.write(`${escapeJsonForTerminal(JSON.stringify(verdict, null, 2))}\n`);
  else process.stdout.write(escapeForTerminal(`${verdictText(verdict)}\n`));
  if (opts.json) process.stderr.write(`${countLine(verdict)}\n`);
  return verdict.crashes === 0 && verdict.hangs === 0 ? EXIT.OK : EXIT.EXPECTATION_FAILED;
}
