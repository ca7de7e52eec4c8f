// Recording a device that is not blebench's: a ble-host peripheral (an independent host stack)
// serving the default profile over `blebench air` is recorded with `blebench central --save-profile`;
// the original walked with the recording as the profile shows no difference; then the recording,
// served by `blebench peripheral --profile` in its place (a phone app's team testing without the
// hardware), walked with the same file, shows none either.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileInput } from '../../common/stack/gatt/profile-input.js';
import { bleHostGattPlan } from '../helpers/ble-host-profile.js';
import { DEFAULT_PROFILE as profile, PASSKEY, openBench, type Bench } from './interop-bench.js';

interface MatrixJson {
  differences: string[];
  phases: Array<{ name: string; cells: Array<{ characteristic: { serviceUuid: string } }> }>;
}

/** The stack's own services: each server has its own (a recording leaves them out). */
const OWN = new Set(['1800', '1801']);
const profileCells = (m: MatrixJson) => m.phases.map((p) => p.cells.filter((c) => !OWN.has(c.characteristic.serviceUuid)).length);
const gattCells = (m: MatrixJson) => m.phases.map((p) => p.cells.filter((c) => c.characteristic.serviceUuid === '1801').length);

let bench: Bench | undefined;
afterAll(() => bench?.close());

describe('a ble-host peripheral recorded, and the recording served in its place', () => {
  it('record; walk the original against the recording; serve the recording; walk it against itself: no difference', async () => {
    bench = await openBench();
    const file = path.join(bench.dir, 'ble-host-recorded.json');
    const peripheral = bench.bleHost('peripheral', { pairing: { passkey: PASSKEY, numericComparison: 'accept' }, ...bleHostGattPlan(profile) });
    await peripheral.waitFor('ready', 10_000);
    const central = (args: string[]) => bench!.blebench(['central', '--transport', `h4:${bench!.air}`, '--target', profile.advertising.localName!, ...args], 30_000);

    const recorded = await central(['--save-profile', file]);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stderr).toContain(`written to ${file}`);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ProfileInput;
    expect(doc.recorded).toMatchObject({ transport: `h4:${bench.air}`, from: { name: profile.advertising.localName } });
    // Every characteristic of the profile the ble-host peripheral serves, and no other.
    const uuids = doc.services.flatMap((s) => s.characteristics ?? []).map((c) => c.uuid).sort();
    expect(uuids).toEqual(profile.services.flatMap((s) => s.characteristics).map((c) => c.uuid).sort());

    const original = await central(['--profile', file, '--json']);
    const m1 = JSON.parse(original.stdout) as MatrixJson;
    expect(m1.differences).toEqual([]);
    expect(m1.phases.map((p) => p.cells.length).every((n) => n > 0)).toBe(true);
    expect(original.code).toBe(0);

    await peripheral.stop();
    await bench.blebenchPeripheral(['--profile', file]);
    const served = await central(['--profile', file, '--json']);
    const m2 = JSON.parse(served.stdout) as MatrixJson;
    expect(m2.differences).toEqual([]);
    expect(served.code).toBe(0);
    // The same cells of the profile both times: the impersonation answers as the device did.
    expect(profileCells(m2)).toEqual(profileCells(m1));
    // 0x1801 is each stack's own: blebench's serves Client Supported Features (read, write) and Database
    // Hash (read) beside Service Changed (Core v5.4 Vol 3 Part G 7.2, 7.3), ble-host's Service Changed alone.
    expect(gattCells(m2).map((n, i) => n - gattCells(m1)[i]!)).toEqual(m1.phases.map(() => 3));
  }, 120_000);
});
