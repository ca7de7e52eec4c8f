// blebench: parses arguments and wires roles and transports (design.md, "The command line").
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode } from '../common/base/errors/blebench-error.js';
import { reportError } from './cli-errors.js';
import { escapeForTerminal } from '../common/base/output/escape.js';
import { registerAir } from './commands/air.js';
import { registerCapture } from './commands/capture.js';
import { registerCentral } from './commands/central.js';
import { registerDoctorAndPlatformDefault } from './commands/doctor.js';
import { registerExplain } from './commands/explain.js';
import { registerFuzz } from './commands/fuzz.js';
import { registerPeripheral } from './commands/peripheral.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { version } from './version.js';
import { flushOpenKeyStores } from '../common/stack/smp/json-key-store.js';


/** The command line as commander knows it (every command and flag); `done` gets each action's exit code. */
export function buildProgram(done: (code: ExitCode) => void = () => undefined): Command {
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
  registerCapture(program, done);
  registerExplain(program, done);
  registerDoctorAndPlatformDefault(program, done);
  registerReport(program, done);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = buildProgram((c) => {
    code = c;
  });
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
