// One error family: every error class the source exports is a BlebenchError (its code gives the
// meaning, what to do and the exit code, common/base/errors/error-codes.ts), except the few signals that
// never leave the module that catches them, each listed here with where it is caught. The CLI prints a
// family error as its message and what to do, with its code's exit code, never "internal error".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BearerClosedError } from '../../central/att/att-bearer.js';
import { AttError, CentralUsageError, HciError, OperationTimeout, SmpPairingFailed } from '../../central/errors.js';
import { NobleInternalsChanged, NobleLoadError } from '../../central/noble/internals.js';
import { ERROR_CODES, EXIT, errorCodeEntry, type ErrorCode } from '../../common/base/errors/error-codes.js';
import { BadInputError, BlebenchError } from '../../common/base/errors/blebench-error.js';
import { TapWaitError as TapTimeout } from '../../common/stack/trace/tap.js';
import { AbortedError, TimeoutError } from '../../common/base/util/wait.js';
import { BlenoLoadError } from '../../peripheral/bleno/internals.js';
import { PeripheralError } from '../../peripheral/peripheral-error.js';
import { cliWordsFor } from '../bad-input/helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE_FOLDERS = ['bin', 'central', 'common', 'peripheral'];

/** Exported error classes that are signals, not errors a user meets: each is caught where it is thrown. */
const SIGNALS: Record<string, string> = {
  DecodeProblem: 'common/stack/trace decoders: becomes a malformed timeline entry',
  H4FramingError: 'common/stack/h4/h4-framer.ts callers: the stream is reported as out of sync',
  InvalidPublicKeyError: 'common/stack/smp: the pairing fails with DHKey Check Failed',
  BondFormatError: 'common/stack/smp/key-store-file.ts: becomes KeyStoreCorruptError',
  CannotRun: 'common/apps/scenario/run: the scenario ends with status error',
  StepTimeout: 'common/apps/scenario/run: the step ends with the outcome timeout',
  ConsoleInterrupted: 'the consoles: Ctrl-C ends the session with exit 130',
  PromptAborted: 'the consoles: the question is taken back',
  UrgentQuestion: 'the consoles: the question waits for the terminal',
  ConsoleQuit: 'common/apps/console/console-session.ts: quit from a menu ends the session with exit 0',
  BenchOptionError: 'bin/bench-options.ts: npm run bench prints it with its usage and exits 2',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every `class X extends Y` in the source: X → Y. */
function classParents(): Map<string, { parent: string; file: string; exported: boolean }> {
  const out = new Map<string, { parent: string; file: string; exported: boolean }>();
  for (const file of SOURCE_FOLDERS.flatMap((f) => sourceFiles(path.join(ROOT, f)))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^(export )?(?:abstract )?class (\w+) extends (\w+)/gm)) {
      out.set(m[2]!, { parent: m[3]!, file: path.relative(ROOT, file), exported: m[1] !== undefined });
    }
  }
  return out;
}

describe('one error family', () => {
  it('every code has a meaning, what to do, and an exit code of 1, 2 or 3', () => {
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    expect(codes.length).toBeGreaterThan(60);
    for (const code of codes) {
      const e = errorCodeEntry(code);
      expect(e.meaning.length, code).toBeGreaterThan(10);
      expect(e.whatToDo.length, code).toBeGreaterThan(10);
      expect([EXIT.EXPECTATION_FAILED, EXIT.BAD_INPUT, EXIT.TRANSPORT_UNAVAILABLE], code).toContain(e.exit);
    }
  });

  it('every exported error class of the source is a BlebenchError, or a signal caught where it is thrown', () => {
    const parents = classParents();
    const inFamily = (name: string): boolean => {
      for (let n: string | undefined = name, hops = 0; n && hops < 10; n = parents.get(n)?.parent, hops++) if (n === 'BlebenchError') return true;
      return false;
    };
    const errors = [...parents].filter(([name]) => {
      for (let n: string | undefined = name, hops = 0; n && hops < 10; n = parents.get(n)?.parent, hops++) if (n === 'Error') return true;
      return false;
    });
    expect(errors.length).toBeGreaterThan(30);
    const outside = errors.filter(([name, c]) => c.exported && name !== 'BlebenchError' && !inFamily(name) && !(name in SIGNALS)).map(([name, c]) => `${name} (${c.file})`);
    expect(outside, 'exported errors outside the family').toEqual([]);
    // the list of signals holds only classes that still exist and are still outside the family
    for (const name of Object.keys(SIGNALS)) expect(parents.has(name) && !inFamily(name), name).toBe(true);
  });

  it.each<[string, BlebenchError, number]>([
    ['an ATT Error Response', new AttError(0x05, 0x0a, 0x0003), EXIT.EXPECTATION_FAILED],
    ['Pairing Failed', new SmpPairingFailed(0x03, 'peripheral'), EXIT.EXPECTATION_FAILED],
    ['a lost link', new HciError(0x08, 'disconnection'), EXIT.EXPECTATION_FAILED],
    ['no answer in time', new OperationTimeout('read', 5000), EXIT.EXPECTATION_FAILED],
    ['a misuse of the central', new CentralUsageError('not connected'), EXIT.EXPECTATION_FAILED],
    ['a bearer gone', new BearerClosedError(), EXIT.EXPECTATION_FAILED],
    ['a wait timed out', new TimeoutError('bleno to power on', 3000), EXIT.EXPECTATION_FAILED],
    ['a wait aborted', new AbortedError('a central'), EXIT.EXPECTATION_FAILED],
    ['the tap waited in vain', new TapTimeout('tap c: waiting for x: timeout', 'timeout', 100), EXIT.EXPECTATION_FAILED],
    ['a misuse of the peripheral', new PeripheralError('"x" cannot notify'), EXIT.EXPECTATION_FAILED],
    ['bleno could not start advertising', new PeripheralError('bleno could not start advertising: busy', 'ADVERTISING_FAILED'), EXIT.TRANSPORT_UNAVAILABLE],
    ['noble loaded the wrong way', new NobleLoadError('noble was loaded before blebench'), EXIT.TRANSPORT_UNAVAILABLE],
    ['noble changed', new NobleInternalsChanged('Gatt.x is not a function'), EXIT.TRANSPORT_UNAVAILABLE],
    ['bleno loaded the wrong way', new BlenoLoadError('bleno is already loaded'), EXIT.TRANSPORT_UNAVAILABLE],
    ['a bad flag', new BadInputError('BAD_FLAG', '--seed x: expected a number'), EXIT.BAD_INPUT],
  ])('%s: the CLI prints its message and what to do, with its code\'s exit code', (_what, err, exit) => {
    expect(err).toBeInstanceOf(BlebenchError);
    expect(err.exitCode).toBe(exit);
    expect(err.exitCode).toBe(errorCodeEntry(err.code).exit);
    const { exit: printedExit, words } = cliWordsFor(err);
    expect(printedExit).toBe(exit);
    expect(words).toContain(`blebench: ${err.message}`);
    expect(words).toContain(`what to do: ${err.hint ?? errorCodeEntry(err.code).whatToDo}`);
    expect(words).not.toMatch(/internal error|a bug in blebench/);
  });

  it('an error outside the family is still said to be a bug (the check above could fail)', () => {
    const { exit, words } = cliWordsFor(new RangeError('boom'));
    expect(exit).toBe(EXIT.EXPECTATION_FAILED);
    expect(words).toMatch(/internal error: boom/);
  });
});
