// Issue 3's proof for the default profile: every characteristic × operation is answered over the air
// as the profile's security implies (common/stack/gatt's expectedOutcome), first on an unencrypted link
// with no key, then after LE legacy Just Works pairing. Outcomes come from the central's tap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { CCCD_BITS, GATT_OPERATIONS, allCharacteristics, expectedOutcome, loadProfile, type GattOperation, type LinkSecurityState, type ResolvedCharacteristic } from '../../common/stack/gatt/index.js';
import type { RequestRecord } from '../../peripheral/index.js';
import { att, connect, errorCode, pairJustWorks, startBench, type Bench, type Connected } from '../helpers/peripheral-bench.js';

const profile = loadProfile('default');
const UNENCRYPTED: LinkSecurityState = { encrypted: false, authenticated: false, keyExists: false };
/** What Just Works gives: encrypted, unauthenticated, a 16-octet key (both sides offer 16), a key stored. */
const JUST_WORKS: LinkSecurityState = { encrypted: true, authenticated: false, keySize: 16, keyExists: true };

let bench: Bench;
let link: Connected;
const records: RequestRecord[] = [];

beforeAll(async () => {
  bench = await startBench(profile);
  bench.server.on('request', (r) => records.push(r));
  link = await connect(bench, profile.advertising.serviceUuids[0]!);
});
afterAll(async () => bench?.close());

/** A value the characteristic's constraints accept. */
function goodValue(c: ResolvedCharacteristic): Buffer {
  if (c.constraints.allowedValues?.length) return Buffer.from(c.constraints.allowedValues[0]!);
  return Buffer.alloc(c.constraints.fixedLength ?? 1, 0x2a);
}

function cccdValue(op: 'notify' | 'indicate'): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(op === 'notify' ? CCCD_BITS.notification : CCCD_BITS.indication);
  return b;
}

/** Sends the operation's request; resolves with the ATT error code seen, 0 for success, or 'silent'. */
async function attempt(c: ResolvedCharacteristic, op: GattOperation): Promise<number | 'silent'> {
  const h = bench.server.handles(c.name);
  switch (op) {
    case 'read': {
      const rsp = await link.probe.request(att.read(h.value));
      if (rsp[0] === ATT_OP.READ_RSP) {
        // the value served is the one the server holds
        expect(rsp.subarray(1)).toEqual(bench.server.value(c.name).subarray(0, rsp.length - 1));
        return 0;
      }
      return errorCode(rsp)!;
    }
    case 'write': {
      const rsp = await link.probe.request(att.write(h.value, goodValue(c)));
      return rsp[0] === ATT_OP.WRITE_RSP ? 0 : errorCode(rsp)!;
    }
    case 'writeWithoutResponse': {
      const before = records.length;
      link.probe.command(att.writeCommand(h.value, goodValue(c)));
      // ATT is ordered: the answer to a later read comes after anything the command could have caused.
      const open = bench.server.handles('Open Read');
      const next = await link.probe.request(att.read(open.value));
      expect(next[0], 'no Error Response to the Write Command').toBe(ATT_OP.READ_RSP);
      const r = records.slice(before).find((x) => x.request === 'Write Command');
      expect(r, 'the server recorded the Write Command').toBeDefined();
      if (r!.outcome.ok) return 0;
      expect(r!.outcome.silent).toBe(true);
      return 'silent';
    }
    case 'notify':
    case 'indicate': {
      const rsp = await link.probe.request(att.write(h.cccd!, cccdValue(op)));
      return rsp[0] === ATT_OP.WRITE_RSP ? 0 : errorCode(rsp)!;
    }
  }
}

const cases = allCharacteristics(profile).flatMap((c) => GATT_OPERATIONS.map((op) => ({ c, op, name: `${c.name} ${op}` })));

function expectAsProfileSays(c: ResolvedCharacteristic, op: GattOperation, state: LinkSecurityState, seen: number | 'silent') {
  const want = expectedOutcome(profile, c, op, state);
  const before = records.at(-1);
  if (want.ok) expect(seen, want.reason).toBe(0);
  else if (want.attError === null) expect.unreachable('cases without a CCCD are filtered out');
  else if (want.silent) expect(seen, want.reason).toBe('silent');
  else expect(seen, `${want.request}: ${want.reason}`).toBe(want.attError);
  // the server's own record says the same, with a reason in words
  if (op !== 'writeWithoutResponse') {
    expect(before?.characteristic).toBe(c.name);
    expect(before?.outcome.ok).toBe(want.ok);
    if (!want.ok && before && !before.outcome.ok) expect(before.outcome.attError).toBe('attError' in want ? want.attError : undefined);
    expect(before?.reason.length).toBeGreaterThan(10);
  }
}

/** Leaves out subscribing to a characteristic with no CCCD: there is nothing to send. */
const reachable = cases.filter(({ c, op }) => {
  const o = expectedOutcome(profile, c, op, UNENCRYPTED);
  return o.ok || o.attError !== null;
});

describe('default profile over an unencrypted link with no key', () => {
  it.each(reachable)('$name is answered as the profile says', async ({ c, op }) => {
    expectAsProfileSays(c, op, UNENCRYPTED, await attempt(c, op));
  });

  it('no pairing happened along the way (the errors were the peripheral\'s to give)', () => {
    expect(bench.pt.tap.links()[0]!.pairing).toBeUndefined();
    expect(bench.pt.tap.links()[0]!.encrypted).toBe(false);
  });
});

describe('default profile after LE legacy Just Works pairing', () => {
  beforeAll(async () => {
    await pairJustWorks(bench, link.handle);
  });

  it('the peripheral sees an encrypted link with a 16-octet key from Just Works', () => {
    const l = bench.pt.tap.links()[0]!;
    expect(l.encrypted).toBe(true);
    expect(l.pairing?.method).toBe('Just Works');
    expect(l.keySize).toBe(16);
  });

  it.each(reachable)('$name is answered as the profile says', async ({ c, op }) => {
    expectAsProfileSays(c, op, JUST_WORKS, await attempt(c, op));
  });

  it('the outcomes differ where encryption matters: a check that could fail', () => {
    const changed = reachable.filter(({ c, op }) => expectedOutcome(profile, c, op, UNENCRYPTED).ok !== expectedOutcome(profile, c, op, JUST_WORKS).ok);
    expect(changed.map((x) => x.name)).toEqual(
      expect.arrayContaining(['Encrypted Read read', 'Encrypted Write write', 'Encrypted Notify notify', 'Encrypted Everything read', 'Encrypted Everything notify']),
    );
  });
});
