// What the first fuzz runs found, replayed one by one against the real roles: each of these PDUs
// once ended the peripheral's or the central's process (bleno's and noble's parsers read at fixed
// offsets and trust the order); now each is answered, refused or dropped, and the role answers the
// next probe. The bytes are the findings' own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzTargets } from '../../bin/commands/fuzz.js';
import { Radio, startAirServer, type AirServer } from '../../common/stack/air/index.js';
import { centralTarget } from '../../common/apps/fuzz/central-session.js';
import { peripheralTarget } from '../../common/apps/fuzz/peripheral-session.js';
import { LinkLost, type FuzzSession, type SessionFactory } from '../../common/apps/fuzz/session.js';
import type { FuzzCase, FuzzFrame } from '../../common/apps/fuzz/fuzz-case.js';
import { malformedAcl, malformedEvent } from '../../common/stack/hci/malformed.js';

const att = (hex: string, extra: Partial<Extract<FuzzFrame, { kind: 'l2cap' }>> = {}): FuzzFrame => ({ kind: 'l2cap', cid: 0x0004, payload: Buffer.from(hex, 'hex'), ...extra });
const smp = (hex: string): FuzzFrame => ({ kind: 'l2cap', cid: 0x0006, payload: Buffer.from(hex, 'hex') });
const sig = (hex: string): FuzzFrame => ({ kind: 'l2cap', cid: 0x0005, payload: Buffer.from(hex, 'hex') });
const event = (hex: string): FuzzFrame => ({ kind: 'hci-event', packet: Buffer.from(hex, 'hex') });
const one = (name: string, ...frames: FuzzFrame[]): FuzzCase => ({ index: 0, protocol: frames[0]!.kind === 'hci-event' ? 'hci' : 'att', name, frames });

const TO_PERIPHERAL: FuzzCase[] = [
  one('Read Request without its handle (bleno gatt.js handleReadOrReadBlobRequest)', att('0a')),
  one('Exchange MTU Request cut to 2 (bleno handleMtuRequest)', att('02ff')),
  one('Find By Type Value Request cut to 5 (bleno handleFindByTypeRequest)', att('0600000000')),
  one('Find By Type Value Request with an empty value, a valid PDU (bleno handleFindByTypeRequest)', att('06000000000129')),
  one('Prepare Write Request cut to 4 (bleno handlePrepareWriteRequest)', att('160d2004')),
  one('Read By Group Type Request of 2 octets (bleno handleReadByGroupRequest)', att('10ff')),
  one('Read Blob Request with the L2CAP header split over ACL fragments (bleno hci.js)', att('0c19000102', { fragmentSize: 3 })),
  one('an empty SMP PDU (bleno smp.js onAclStreamData)', smp('')),
  one('Number Of Completed Packets with no parameters (bleno hci.js)', event('041300')),
  one('Number Of Completed Packets promising 3 handles (bleno hci.js)', event('04130303ee0e')),
  one('Command Complete without a Status (bleno hci.js)', event('040e02013f')),
  one('LE Channel Selection Algorithm cut to its subevent code (bleno hci.js)', event('043e0114')),
  one('LE Meta of an unknown subevent without parameters (bleno hci.js)', event('043e0100')),
];

const TO_CENTRAL: FuzzCase[] = [
  one('Pairing Confirm before any Pairing Response (noble smp.js handlePairingConfirm)', smp('0328cfd9eb2084941f8ebd1d62ccbad98d')),
  one('Pairing Random before any Pairing Confirm (noble handlePairingRandom)', smp('042f66665efa07d325ff1753baa824dd83')),
  one('Pairing Response nobody asked for (noble handlePairingResponse)', smp('0203000b1906cf')),
  one('an empty SMP PDU (noble smp.js onAclStreamData)', smp('')),
  one('Handle Value Indication without its handle (noble gatt.js)', att('1d')),
  one('Exchange MTU Response cut to 2 (noble exchangeMtu callback)', att('0315')),
  one('an empty ATT PDU (noble exchangeMtu callback)', att('')),
  one('LE signaling command of 3 octets (noble signaling.js)', sig('01c104')),
  one('Connection Parameter Update Request without its parameters (noble signaling.js)', sig('126602020100')),
  one('Read Remote Version Information Complete cut to 1 (noble hci.js)', event('040c0100')),
];

/** Send a case; a central between rounds has no link: wait for its next one and send again. */
async function deliver(s: FuzzSession, c: FuzzCase): Promise<void> {
  try {
    await s.send(c);
  } catch (err) {
    if (!(err instanceof LinkLost)) throw err;
    expect(await s.reconnect()).toBe(true);
    await s.send(c);
  }
}

describe('fuzz findings, replayed', () => {
  let dir: string;
  let radio: Radio;
  let air: AirServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blebench-fuzz-replay-'));
    radio = new Radio({ name: 'replay' });
    air = await startAirServer({ listen: `unix:${join(dir, 'air.sock')}`, radio });
  });
  afterAll(async () => {
    await air.close();
    radio.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const replay = async (factory: SessionFactory, cases: FuzzCase[]) => {
    const s = await factory.open();
    try {
      for (const c of cases) {
        await deliver(s, c);
        const probe = await s.probe();
        expect({ case: c.name, probe, death: s.death(), stderr: s.stderrTail() }).toEqual({ case: c.name, probe: 'alive', death: undefined, stderr: s.stderrTail() === '' ? '' : expect.not.stringMatching(/\n\s+at /) });
      }
    } finally {
      await s.close();
    }
  };

  it('the peripheral (bleno SMP, and blebench\'s Security Manager) survives each and answers the next probe', async () => {
    for (const spec of fuzzTargets('peripheral')) await replay(peripheralTarget({ label: spec.label, air, command: spec.command, probeTimeoutMs: 3000, startTimeoutMs: 20_000 }), TO_PERIPHERAL);
  }, 90_000);

  it('the central (noble SMP, and blebench\'s Security Manager) survives each and goes on with its rounds', async () => {
    for (const spec of fuzzTargets('central')) await replay(centralTarget({ label: spec.label, air, command: spec.command, probeTimeoutMs: 3000, startTimeoutMs: 20_000 }), TO_CENTRAL);
  }, 90_000);

  it('the seam drops what is too short for its own fields, and nothing well formed', () => {
    for (const c of [...TO_PERIPHERAL, ...TO_CENTRAL]) for (const f of c.frames) if (f.kind === 'hci-event') expect(malformedEvent(f.packet), c.name).toBeDefined();
    expect(malformedEvent(Buffer.from('04050400010013', 'hex'))).toBeUndefined(); // Disconnection Complete, 4 octets
    expect(malformedEvent(Buffer.from('040e0401030c00', 'hex'))).toBeUndefined(); // Command Complete for Reset, status 0
    expect(malformedAcl(Buffer.from('0201200300030004', 'hex'))).toBeDefined(); // a start fragment of 3 octets
    expect(malformedAcl(Buffer.from('02011003000a0300', 'hex'))).toBeUndefined(); // a continuation of 3 octets
    expect(malformedAcl(Buffer.from('020120040001000400', 'hex'))).toBeUndefined(); // a start fragment of just the L2CAP header
  });
});
