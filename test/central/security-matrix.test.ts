// The security-matrix engine against a small bleno GATT (open/secure read, write, write without
// response, notify, indicate): the cells each policy must give, and the comparison with a profile.
import { openWorld, type WorldParts } from '../../world/open-world.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Radio } from '../../common/stack/air/index.js';
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { AttError } from '../../central/errors.js';
import type { Cell, MatrixResult, PhaseName } from '../../central/matrix/matrix-types.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { renderMatrixTable } from '../../central/matrix/render-table.js';
import { matrixJson } from '../../central/matrix/render-json.js';
import type { PairingPolicy } from '../../central/pairing/pairing-policy.js';
import { SMALL, startBlenoPeripheral, type BlenoPeripheral } from '../helpers/bleno-gatt.js';
import { smallProfile } from '../helpers/small-profile.js';

let radio: Radio;
let peripheral: BlenoPeripheral | undefined;
let world: WorldParts | undefined;

afterEach(async () => {
  await world?.close();
  await peripheral?.close();
  radio?.close();
  world = peripheral = undefined;
});

async function matrix(policy: PairingPolicy, profile = smallProfile()): Promise<MatrixResult> {
  radio = new Radio({ name: 'matrix' });
  peripheral = await startBlenoPeripheral(radio);
  const w = await openWorld({ radio, central: { policy, timeoutMs: 3000 } });
  world = w;
  const { client } = w;
  const found = await client.find({ kind: 'service', value: SMALL.service });
  return runMatrix(client, found, { policy, profile });
}

/** Each cell as "outcome kind or ATT code", keyed "uuid op". */
function shape(r: MatrixResult, phase: PhaseName): Record<string, string> {
  const cells = r.phases.find((p) => p.name === phase)!.cells.filter((c) => c.characteristic.serviceUuid === SMALL.service);
  const what = (c: Cell) => (c.outcome.kind === 'error' ? (c.outcome.error instanceof AttError ? `0x${c.outcome.error.attCode.toString(16).padStart(2, '0')}` : c.outcome.error.kind) : c.outcome.kind);
  return Object.fromEntries(cells.map((c) => [`${c.characteristic.name} ${c.operation}`, what(c)]));
}

const UNENCRYPTED = {
  'Open Read read': 'value',
  'Secure Read read': '0x05',
  'Open Write read': 'value',
  'Open Write write': 'written',
  'Secure Write read': 'value',
  'Secure Write write': '0x05',
  'Open Command writeWithoutResponse': 'sent',
  'Open Notify notify': 'subscribed',
  'Secure Notify notify': '0x05',
  'Open Indicate indicate': 'subscribed',
  'Long Read read': 'value',
};
const PAIRED = { ...UNENCRYPTED, 'Secure Read read': 'value', 'Secure Write write': 'written', 'Secure Notify notify': 'subscribed' };

describe('security matrix over a bleno GATT', () => {
  it('under never: the unencrypted cells give 0x05 for every secured operation, and no second phase', async () => {
    const r = await matrix('never');
    expect(shape(r, 'unencrypted')).toEqual(UNENCRYPTED);
    expect(r.phases[1]!.cells).toEqual([]);
    expect(r.phases[1]!.note).toContain('never');
    expect(r.differences).toEqual([]);
    const openRead = r.phases[0]!.cells.find((c) => c.characteristic.uuid === SMALL.openRead)!;
    expect(openRead.outcome).toEqual({ kind: 'value', hex: SMALL.openValue.toString('hex'), text: SMALL.openValue.toString() });
    const secure = r.phases[0]!.cells.find((c) => c.characteristic.uuid === SMALL.secureRead)!;
    expect(secure.why).toContain('Insufficient Authentication');
    expect(secure.why).toContain('not encrypted');
  });

  it('under on-error: the first secured read pairs and re-sends; every later cell runs encrypted', async () => {
    const r = await matrix('on-error');
    expect(shape(r, 'unencrypted')).toEqual(UNENCRYPTED);
    expect(shape(r, 'paired')).toEqual(PAIRED);
    const paired = r.phases[1]!;
    expect(paired.pairings).toHaveLength(1);
    const trigger = paired.cells.find((c) => c.pairing)!;
    expect(trigger.characteristic.uuid).toBe(SMALL.secureRead);
    expect((trigger.firstError as AttError).attCode).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(trigger.why).toMatch(/first ATT 0x05 .*paired \(Just Works\) and re-sent/);
    expect(paired.cells.find((c) => c.characteristic.uuid === SMALL.openRead)!.security.encrypted).toBe(false);
    expect(paired.cells.find((c) => c.characteristic.uuid === SMALL.secureWrite && c.operation === 'write')!.security.encrypted).toBe(true);
    expect(r.differences).toEqual([]);
  });

  it('under upfront: the second phase is encrypted from the start and every cell succeeds', async () => {
    const r = await matrix('upfront');
    expect(shape(r, 'paired')).toEqual(PAIRED);
    expect(r.phases[1]!.pairings[0]!.trigger).toBe('upfront');
    expect(r.phases[1]!.cells.every((c) => c.security.encrypted && !c.firstError)).toBe(true);
    expect(r.differences).toEqual([]);
  });

  it('writes put back the value read, so the peripheral keeps its state', async () => {
    await matrix('upfront');
    expect(peripheral!.written.get(SMALL.openWrite)?.map((b) => b.toString())).toEqual(['w0', 'w0']);
    expect(peripheral!.written.get(SMALL.secureWrite)?.map((b) => b.toString())).toEqual(['s0']);
  });

  it('a profile that differs in one characteristic\'s security names that cell', async () => {
    const profile = smallProfile((chars) => {
      const c = chars.find((x) => x.name === 'Secure Read')!;
      delete c.security;
    });
    const r = await matrix('never', profile);
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]).toContain('"Secure Read" × read (unencrypted)');
    expect(r.differences[0]).toContain('expected success');
    expect(r.differences[0]).toContain('ATT 0x05 Insufficient Authentication');
    expect(renderMatrixTable(r)).toContain('verdict: FAIL: 1 difference(s)');
    const json = JSON.parse(JSON.stringify(matrixJson(r))) as { differences: string[]; phases: { cells: { outcome: { error?: { code: number; name: string } } }[] }[] };
    expect(json.differences).toEqual(r.differences);
    expect(json.phases[0]!.cells.some((c) => c.outcome.error?.code === ATT_ERROR.INSUFFICIENT_AUTHENTICATION && c.outcome.error.name === 'Insufficient Authentication')).toBe(true);
  });
});
