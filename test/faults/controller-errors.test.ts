// Controller errors as fault rules (common/stack/air/faults.ts `on: 'command'`): the virtual controller
// answers a command with an error status the way the spec has that command answer (Command Status for
// LE Create Connection and LE Enable Encryption, Command Complete for LE Set Advertising Enable, LE Set
// Scan Enable and LE Long Term Key Request Reply; Vol 4 Part E 4.4, 7.7.14, 7.7.15), and each role ends
// in a typed error naming the status, soon (not at a generic timeout), with both key files untouched.
import { afterAll, describe, expect, it } from 'vitest';
import { Radio } from '../../common/stack/air/index.js';
import { EVT, HCI_STATUS, hciStatus, OP, opcodeName } from '../../common/base/codes/hci.js';
import { hex } from '../../common/base/codes/code-table.js';
import { ControllerRefusedError } from '../../common/stack/hci/command-refusal.js';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import { HciError } from '../../central/errors.js';
import { reportError } from '../../bin/cli-errors.js';
import { cliWordsFor, internalErrorIn } from '../bad-input/helpers/cli.js';
import { smallProfile } from '../helpers/small-profile.js';
import { checkKeyFile, keyFileFrom, type KeyFile } from './helpers/key-files.js';
import { referencePairing } from './helpers/reference.js';
import { startRig, type Rig } from './helpers/rig.js';
import { Tally } from './helpers/tally.js';

const profile = smallProfile();
const ref = await referencePairing(profile, 'legacy-just-works');
const tally = new Tally('faults (controller errors)', 'typed errors naming the HCI status, keys intact');
afterAll(() => console.log(tally.line()));

/** A role must name a refused command this soon; generic operation timeouts are far longer. */
const NAMED_WITHIN_MS = 1500;
const OP_TIMEOUT_MS = 5000;

interface World {
  radio: Radio;
  rig?: Rig;
  keys: { central: KeyFile; peripheral: KeyFile };
}

async function world(radioOptions: { encryptionTimeoutMs?: number } = {}): Promise<World> {
  return {
    radio: new Radio({ name: 'controller-errors', ...radioOptions }),
    keys: { central: keyFileFrom(ref.keys.central, 'central.json'), peripheral: keyFileFrom(ref.keys.peripheral, 'peripheral.json') },
  };
}

async function rigIn(w: World, method: 'legacy-just-works' | 'sc-just-works' = 'legacy-just-works'): Promise<Rig> {
  w.rig = await startRig({ profile, method, radio: w.radio, centralKeys: w.keys.central.file, peripheralKeys: w.keys.peripheral.file, timeoutMs: OP_TIMEOUT_MS });
  return w.rig;
}

async function finish(w: World): Promise<void> {
  if (w.rig) await w.rig.close();
  else w.radio.close();
  expect(checkKeyFile(w.keys.central, false)).toEqual({ ok: true, changed: false });
  expect(checkKeyFile(w.keys.peripheral, false)).toEqual({ ok: true, changed: false });
}

/** The controller's answer to `opcode` on this tap: which event carried it and with what status. */
function answerTo(tap: Tap, opcode: number): { event: 'Command Status' | 'Command Complete'; status: number } | undefined {
  for (const e of tap.entries) {
    if (e.dir !== 'rx' || e.fields.commandOpcode !== opcode || typeof e.fields.status !== 'number' || e.fields.status === 0) continue;
    return { event: e.raw[1] === EVT.COMMAND_STATUS ? 'Command Status' : 'Command Complete', status: e.fields.status };
  }
  return undefined;
}

/** How `p` ended and how soon; an error it ended with (thrown, or a report's) is one of the family, never an "internal error" to the CLI. */
async function timed<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const t0 = Date.now();
  const inFamily = (e: unknown) => e === undefined || expect(internalErrorIn(cliWordsFor(e).words), String(e)).toBeUndefined();
  try {
    const value = await p;
    inFamily((value as { error?: unknown } | undefined)?.error);
    return { value, ms: Date.now() - t0 };
  } catch (error) {
    inFamily(error);
    return { error, ms: Date.now() - t0 };
  }
}

const label = (status: number) => `HCI ${hex(status)} ${hciStatus(status).name}`;


describe('controller errors: the central', () => {
  it.each([
    ['0x0C Command Disallowed', HCI_STATUS.COMMAND_DISALLOWED],
    ['0x07 Memory Capacity Exceeded', HCI_STATUS.MEMORY_CAPACITY_EXCEEDED],
  ])('LE Create Connection answered %s (Command Status): the connection fails with HciError naming it, no Connection Complete', (_n, status) =>
    tally.counted(async () => {
      const w = await world();
      try {
        const rig = await rigIn(w);
        w.radio.faults.add({ on: 'command', opcode: OP.LE_CREATE_CONNECTION, status });
        const r = await timed(rig.connect());
        expect(r.error).toBeInstanceOf(HciError);
        expect(r.error).toMatchObject({ status, context: 'connection', exitCode: EXIT.EXPECTATION_FAILED });
        expect((r.error as HciError).label).toBe(label(status));
        expect((r.error as Error).message).toContain(`${label(status)} (`);
        expect(r.ms).toBeLessThan(NAMED_WITHIN_MS);
        expect(answerTo(rig.ct.tap, OP.LE_CREATE_CONNECTION)).toEqual({ event: 'Command Status', status });
        expect(rig.ct.tap.entries.some((e) => e.name.includes('Connection Complete'))).toBe(false);
      } finally {
        await finish(w);
      }
    }),
  );

  it('connection creation failing with 0x3E (LE Connection Complete): HciError naming Connection Failed to be Established', () =>
    tally.counted(async () => {
      const w = await world();
      try {
        const rig = await rigIn(w);
        w.radio.faults.add({ on: 'connect', status: HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED });
        const r = await timed(rig.connect());
        expect(r.error).toBeInstanceOf(HciError);
        expect((r.error as HciError).label).toBe(label(HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED));
        expect(r.ms).toBeLessThan(NAMED_WITHIN_MS);
      } finally {
        await finish(w);
      }
    }),
  );

  it.each([
    ['LE legacy', 'legacy-just-works'],
    ['LE Secure Connections', 'sc-just-works'],
  ] as const)('LE Enable Encryption answered 0x02 Unknown Connection Identifier after %s pairing: pairing ends in HciError naming it, at once', (_n, method) =>
    tally.counted(async () => {
      const w = await world();
      try {
        const rig = await rigIn(w, method);
        const conn = await rig.connect();
        w.radio.faults.add({ on: 'command', opcode: OP.LE_ENABLE_ENCRYPTION, status: HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER });
        const r = await timed(conn.pair());
        expect(r.value?.error).toBeInstanceOf(HciError);
        expect(r.value?.error).toMatchObject({ status: HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER, context: 'encryption' });
        expect(r.value?.error?.message).toContain(label(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER));
        expect(r.ms).toBeLessThan(NAMED_WITHIN_MS);
        expect(answerTo(rig.ct.tap, OP.LE_ENABLE_ENCRYPTION)).toEqual({ event: 'Command Status', status: HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER });
      } finally {
        await finish(w);
      }
    }),
  );

  it('LE Set Scan Enable answered 0x0C: finding a peripheral ends in ControllerRefusedError (exit 3), not a hang', () =>
    tally.counted(async () => {
      const w = await world();
      try {
        const rig = await rigIn(w);
        w.radio.faults.add({ on: 'command', opcode: OP.LE_SET_SCAN_ENABLE, status: HCI_STATUS.COMMAND_DISALLOWED, repeat: true });
        const r = await timed(rig.connect());
        expect(r.error).toBeInstanceOf(ControllerRefusedError);
        expect(r.error).toMatchObject({ opcode: OP.LE_SET_SCAN_ENABLE, status: HCI_STATUS.COMMAND_DISALLOWED, exitCode: EXIT.TRANSPORT_UNAVAILABLE });
        expect((r.error as Error).message).toContain(`${opcodeName(OP.LE_SET_SCAN_ENABLE)} with ${label(HCI_STATUS.COMMAND_DISALLOWED)}`);
        expect(r.ms).toBeLessThan(OP_TIMEOUT_MS);
        // The LE Set Scan Enable that stops the scan is refused too: noble never calls back, and the stop is not
        // waited out (1 s) but ends with that refusal.
        expect(r.ms, 'the refused stop was waited out').toBeLessThan(900);
        expect(answerTo(rig.ct.tap, OP.LE_SET_SCAN_ENABLE)).toEqual({ event: 'Command Complete', status: HCI_STATUS.COMMAND_DISALLOWED });
      } finally {
        await finish(w);
      }
    }),
  );
});

describe('controller errors: the peripheral', () => {
  it('LE Set Advertising Enable answered 0x0C (Command Complete): serving ends in ControllerRefusedError naming it (exit 3), no stack trace', () =>
    tally.counted(async () => {
      const w = await world();
      try {
        w.radio.faults.add({ on: 'command', opcode: OP.LE_SET_ADVERTISING_ENABLE, status: HCI_STATUS.COMMAND_DISALLOWED, repeat: true });
        const r = await timed(rigIn(w));
        expect(r.error).toBeInstanceOf(ControllerRefusedError);
        expect(r.error).toMatchObject({ code: 'CONTROLLER_REFUSED', status: HCI_STATUS.COMMAND_DISALLOWED, exitCode: EXIT.TRANSPORT_UNAVAILABLE });
        expect(r.ms).toBeLessThan(NAMED_WITHIN_MS);
        let printed = '';
        expect(reportError(r.error, (s) => (printed += s))).toBe(EXIT.TRANSPORT_UNAVAILABLE);
        expect(printed).toContain(`LE Set Advertising Enable with ${label(HCI_STATUS.COMMAND_DISALLOWED)}`);
        expect(printed).toContain('what to do:');
        expect(printed).not.toMatch(/^\s+at /m);
      } finally {
        await finish(w);
      }
    }),
  );

  it('LE Long Term Key Request Reply answered 0x02 (Command Complete): no encryption; the link layer times out and both roles see 0x22', () =>
    tally.counted(async () => {
      const encryptionTimeoutMs = 300; // the link layer's limit, short: the test waits it out
      const w = await world({ encryptionTimeoutMs });
      try {
        const rig = await rigIn(w);
        const conn = await rig.connect();
        w.radio.faults.add({ on: 'command', opcode: OP.LE_LONG_TERM_KEY_REQUEST_REPLY, status: HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER });
        const gone = new Promise<number | undefined>((resolve) => rig.server.once('disconnect', (d) => resolve(d.reason)));
        const r = await timed(conn.pair());
        expect(answerTo(rig.pt.tap, OP.LE_LONG_TERM_KEY_REQUEST_REPLY)).toEqual({ event: 'Command Complete', status: HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER });
        expect(r.value?.error).toBeInstanceOf(HciError);
        expect(r.value?.error).toMatchObject({ status: HCI_STATUS.LL_RESPONSE_TIMEOUT, context: 'disconnection' });
        expect(r.ms).toBeLessThan(encryptionTimeoutMs + NAMED_WITHIN_MS);
        expect(await gone).toBe(HCI_STATUS.LL_RESPONSE_TIMEOUT);
        expect(conn.link.encrypted).toBe(false);
      } finally {
        await finish(w);
      }
    }),
  );
});

describe('the command fault rule', () => {
  it('fires at the nth matching command of the named controller only', () =>
    tally.counted(async () => {
      const w = await world();
      try {
        const rig = await rigIn(w);
        const other = '00:11:22:33:44:55';
        w.radio.faults.add({ on: 'command', opcode: OP.LE_CREATE_CONNECTION, controller: other, status: HCI_STATUS.COMMAND_DISALLOWED });
        w.radio.faults.add({ on: 'command', opcode: OP.LE_CREATE_CONNECTION, nth: 2, status: HCI_STATUS.MEMORY_CAPACITY_EXCEEDED });
        const first = await rig.connect();
        await first.disconnect();
        const second = await timed(rig.connect());
        expect(second.error).toMatchObject({ status: HCI_STATUS.MEMORY_CAPACITY_EXCEEDED, context: 'connection' });
        expect(w.radio.faults.hits.map((h) => h.rule.on === 'command' && h.rule.status)).toEqual([HCI_STATUS.MEMORY_CAPACITY_EXCEEDED]);
      } finally {
        await finish(w);
      }
    }),
  );
});
