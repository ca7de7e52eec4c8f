// Reference runs with no fault: pair once per method with both roles' Security Managers and key
// files. What the central's tap saw is the sequence the cases walk; the key files it leaves are "the
// bond from an earlier pairing" every case starts from.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResolvedProfile } from '../../../common/stack/gatt/index.js';
import { until } from '../../helpers/until.js';
import { recordSequence, type SequencePdu } from './sequence.js';
import { startRig, type PairingMethodCase } from './rig.js';

export interface Reference {
  method: PairingMethodCase;
  smp: SequencePdu[];
  keys: { central: string; peripheral: string };
}

const hasBond = (file: string) => existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { bonds: unknown[] }).bonds.length > 0;

export async function referencePairing(profile: ResolvedProfile, method: PairingMethodCase): Promise<Reference> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-faults-ref-'));
  const keys = { central: path.join(dir, 'central.json'), peripheral: path.join(dir, 'peripheral.json') };
  const rig = await startRig({ profile, method, centralKeys: keys.central, peripheralKeys: keys.peripheral });
  try {
    const conn = await rig.connect();
    const from = rig.ct.tap.entries.at(-1)?.seq ?? -1;
    const report = await conn.pair();
    if (report.error) throw new Error(`the reference pairing (${method}) failed: ${report.error.message}`);
    await until(() => rig.outcomes.central.length > 0 && rig.outcomes.peripheral.length > 0, `both Security Managers to finish (${method})`);
    await until(() => hasBond(keys.central) && hasBond(keys.peripheral), `both bonds written (${method})`);
    return { method, smp: recordSequence(rig.ct.tap, from, 'smp'), keys };
  } finally {
    await rig.close();
  }
}
