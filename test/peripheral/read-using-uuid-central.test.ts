// Read Using Characteristic UUID (Core v5.4 Vol 3 Part G 4.8.2) sent by blebench's own central
// (CentralClient, its GATT client's readUsingCharacteristicUuid) to blebench's own ATT server
// (servePeripheral, the default profile), in one process on the virtual radio. For every
// characteristic, the Read By Type Request over (a) its value handle only, (b) its declaration only,
// (c) its value handle to 0xFFFF, (d) 0x0001-0xFFFF, before and after pairing: the value, or the
// refusal common/stack/gatt's expectedOutcome gives naming a handle inside the range, or 0x0A when no
// attribute of that type is in range (Vol 3 Part F 3.4.4.1). Handles come from the central's own
// discovery; values and refusals from the profile.
import { openWorld } from '../../world/open-world.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { expectedOutcome, loadProfile, sameUuid, type LinkSecurityState } from '../../common/stack/gatt/index.js';
import type { CentralConnection } from '../../central/connection.js';
import { AttError } from '../../central/errors.js';

const STEP_MS = 5000;
const FIRST = 0x0001;
const LAST = 0xffff;
/** A Read By Type Response carries at most ATT_MTU-4 octets of a value, and never more than 253. Vol 3 Part F 3.4.4.2. */
const MAX_ENTRY_VALUE = 253;
const entryRoom = (mtu: number) => Math.min(mtu - 4, MAX_ENTRY_VALUE);

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

type Outcome = { value: string; handles: number[] } | { code: number; handle: number; request: number };

/** What the central got: the values (hex) and their handles, or the AttError's code, handle and request. */
async function outcomeOf(conn: CentralConnection, start: number, end: number, uuid: string): Promise<Outcome> {
  try {
    const list = await conn.readUsingCharacteristicUuid(start, end, uuid);
    return { value: list[0]?.value.toString('hex') ?? '', handles: list.map((d) => d.handle) };
  } catch (e) {
    if (!(e instanceof AttError)) throw e;
    return { code: e.attCode, handle: e.handle, request: e.requestOpcode };
  }
}

describe("blebench's central: Read Using Characteristic UUID against blebench's ATT server (default profile, mock)", () => {
  it('GATT/SR/GAR/BV-03-C: value handle only, declaration only, value to 0xFFFF, whole range, before and after pairing: the value, or the refusal or 0x0A naming a handle in range', async () => {
    const profile = loadProfile('default');
    // 'never': every refusal comes back as it was answered; the test pairs when it chooses
    const w = await openWorld({ radio: { name: 'read-using-uuid' }, peripheral: { profile }, central: { policy: 'never', timeoutMs: STEP_MS } });
    closers.push(() => w.close());
    const { client } = w;
    const conn = await client.connectTo({ kind: 'service', value: profile.advertising.serviceUuids[0]! });
    closers.push(() => conn.disconnect());
    const discovered = await conn.characteristics();

    let checked = 0;
    const walk = async (state: LinkSecurityState, when: string) => {
      for (const c of profile.services.flatMap((s) => s.characteristics)) {
        const d = discovered.find((x) => sameUuid(x.uuid, c.uuid));
        expect(d, `${when}: the central discovered "${c.name}"`).toBeDefined();
        if (!d) continue;
        const e = expectedOutcome(profile, c, 'read', state);
        const ranges: Array<[string, number, number]> = [
          ['(a) value handle only', d.valueHandle, d.valueHandle],
          ['(c) value handle to 0xFFFF', d.valueHandle, LAST],
          ['(d) whole range', FIRST, LAST],
        ];
        for (const [what, start, end] of ranges) {
          const label = `${when}: "${c.name}" over ${what} (0x${start.toString(16)}-0x${end.toString(16)})`;
          const got = await outcomeOf(conn, start, end, c.uuid);
          if (e.ok) {
            // the one attribute of this type: its value handle, its value cut to the room in one entry
            expect(got, label).toEqual({ value: c.value.subarray(0, entryRoom(conn.mtu)).toString('hex'), handles: [d.valueHandle] });
          } else {
            expect(e.attError, label).not.toBeNull();
            expect(got, label).toEqual({ code: e.attError, handle: d.valueHandle, request: ATT_OP.READ_BY_TYPE_REQ });
            if ('handle' in got) {
              expect(got.handle, `${label}: the handle in error inside the range`).toBeGreaterThanOrEqual(start);
              expect(got.handle, `${label}: the handle in error inside the range`).toBeLessThanOrEqual(end);
            }
          }
          checked++;
        }
        // (b) The declaration's type is 0x2803, not the characteristic's UUID: nothing of that type in
        // range, 0x0A naming the starting handle. Vol 3 Part F 3.4.4.1.
        const decl = await outcomeOf(conn, d.declarationHandle, d.declarationHandle, c.uuid);
        expect(decl, `${when}: "${c.name}" over (b) its declaration only (0x${d.declarationHandle.toString(16)})`).toEqual({
          code: ATT_ERROR.ATTRIBUTE_NOT_FOUND,
          handle: d.declarationHandle,
          request: ATT_OP.READ_BY_TYPE_REQ,
        });
        checked++;
      }
    };

    const before = conn.security();
    expect(before.encrypted).toBe(false);
    await walk(before, 'before pairing');
    const report = await conn.pair();
    expect(report.error).toBeUndefined();
    const after = conn.security();
    expect(after.encrypted).toBe(true);
    await walk(after, 'after pairing');

    const characteristics = profile.services.flatMap((s) => s.characteristics);
    expect(checked).toBe(characteristics.length * 4 * 2);
    // the walk saw both kinds on each side of pairing: some values, some refusals that pairing cured
    const cured = characteristics.filter((c) => {
      const b = expectedOutcome(profile, c, 'read', before);
      return !b.ok && expectedOutcome(profile, c, 'read', after).ok;
    });
    expect(cured.map((c) => c.name)).toContain('Encrypted Read');
  });
});
