// blebench: parses arguments and wires roles and transports (design.md, "The command line").
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode } from '../common/base/errors/blebench-error.js';
import { reportError } from './cli-errors.js';
import { escapeForTerminal } from '../common/base/output/escape.js';
import { version } from './version.js';
import { flushOpenKeyStores } from '../common/stack/smp/json-key-store.js';


type Register = (program: Command, done: (code: ExitCode) => void) => void;

/**
 * Each command's module, loaded when that command is asked for: a `blebench` process imports the one it
 * runs, not all nine (each import of the built CLI is most of a refused command's time; measured in the
 * README, "Tests and benchmark"). In the order `--help` lists them. doctor's module also holds the hook
 * that puts the platform's default transport in place, so it is loaded with every command.
 */
const COMMANDS: ReadonlyArray<readonly [names: readonly string[], load: () => Promise<Register>]> = [
  [['run'], async () => (await import('./commands/run.js')).registerRun],
  [['peripheral'], async () => (await import('./commands/peripheral.js')).registerPeripheral],
  [['central'], async () => (await import('./commands/central.js')).registerCentral],
  [['air'], async () => (await import('./commands/air.js')).registerAir],
  // fuzz registers the hidden central driver its own runs start
  [['fuzz', 'fuzz-central-target'], async () => (await import('./commands/fuzz.js')).registerFuzz],
  [['capture'], async () => (await import('./commands/capture.js')).registerCapture],
  [['explain'], async () => (await import('./commands/explain.js')).registerExplain],
  [['doctor'], async () => (await import('./commands/doctor.js')).registerDoctorAndPlatformDefault],
  [['report'], async () => (await import('./commands/report.js')).registerReport],
];

/**
 * The command line as commander knows it; `done` gets each action's exit code. With `command` (the first
 * argument) naming one, only that command (and doctor's default-transport hook) is registered; else every
 * command is (for --help, a mistyped command's suggestion, and the tests that read every flag).
 */
export async function buildProgram(done: (code: ExitCode) => void = () => undefined, command?: string): Promise<Command> {
  const program = new Command()
    .name('blebench')
    .description('Bluetooth LE peripheral/central testbench: encrypted characteristics, CCCDs and pairing error paths,\nover real adapters or the built-in virtual radio')
    .version(version())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(escapeForTerminal(s)), writeOut: (s) => process.stdout.write(s) });
  const asked = COMMANDS.find(([names]) => command !== undefined && names.includes(command));
  const wanted = command === '--version' || command === '-V' ? [] : asked ? [asked, COMMANDS.find(([names]) => names.includes('doctor'))!] : COMMANDS;
  const registers = await Promise.all(COMMANDS.filter((c) => wanted.includes(c)).map(([, load]) => load()));
  for (const register of registers) register(program, done);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = await buildProgram((c) => {
    code = c;
  }, argv[2]);
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
 * How long bin/blebench.js lets the process live after main returns: a timer a library never clears
 * (bleno polls its adapter every second) must not keep it alive, and an error escaping in that time
 * still ends the run as it would any process (test/helpers/cli-batch-runner.mjs waits the same).
 */
export const EXIT_GRACE_MS = 250;

/**
 * Keys are never lost: whatever ended the command (its end, SIGINT/SIGTERM, an error), the key store
 * writes still under way end before main returns (bin/blebench.js exits EXIT_GRACE_MS after that), within a
 * bound; those that do not have their bonds saved to a fallback file, said here, and the run ends 1.
 */
async function keysFlushed(code: ExitCode): Promise<ExitCode> {
  const late = await flushOpenKeyStores();
  for (const e of late) process.stderr.write(escapeForTerminal(`blebench: ${e.message}\n  what to do: ${e.hint}\n`));
  return late.length && code === EXIT.OK ? EXIT.EXPECTATION_FAILED : code;
}
