// What a ble-host central's walk (its `cell` lines) should have seen from blebench's peripheral,
// cell by cell, from the profile: expectedOutcome (common/stack/gatt) for the link the cell ran on. ATT
// error codes are compared exactly (Core v5.4 Vol 3 Part F 3.4.1.1); a value read must be the one
// the profile serves. Write Commands get no answer on the air (Vol 3 Part F 3.4.5.3), so what the
// peripheral did with them is read from its own log.
import { expectedOutcome } from '../../common/stack/gatt/expected-outcome.js';
import { findCharacteristic, type ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { GattOperation } from '../../common/stack/gatt/security-levels.js';
import type { LinkSecurityState } from '../../common/stack/gatt/security-rule.js';
import { parseUuid } from '../../common/stack/gatt/uuid.js';
import type { PeerLine } from '../helpers/ble-host-peer.js';
import type { Agreement } from './agreement.js';

/** A Write Command as the peripheral's JSON log recorded it; attError 0 when it was written. */
export interface WriteCommandRecord {
  characteristic: string;
  attError: number;
}

/** The peripheral's Write Command records from its pino JSON log (stderr), in order. */
export function writeCommandsFromLog(stderr: string): WriteCommandRecord[] {
  return stderr
    .slice(0, stderr.lastIndexOf('\n') + 1) // whole lines only
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { request?: string; characteristic?: string; attError?: number })
    .filter((r) => r.request === 'Write Command')
    .map((r) => ({ characteristic: r.characteristic ?? '?', attError: r.attError ?? 0 }));
}

/** The walk's operations: the profile's, and Reliable Write, another road to the value. */
export type WalkOperation = GattOperation | 'reliableWrite';

/** Which profile operation decides a road: a Reliable Write is a write. */
const DECIDED_AS: Record<WalkOperation, GattOperation> = {
  read: 'read',
  write: 'write',
  reliableWrite: 'write',
  writeWithoutResponse: 'writeWithoutResponse',
  notify: 'notify',
  indicate: 'indicate',
};

export interface CellLine extends PeerLine {
  phase: string;
  uuid: string;
  operation: WalkOperation;
  att: number | null;
  hex: string | null;
  encryption: { mitm: boolean; sc: boolean; keySize: number } | null;
}

/**
 * The link a cell ran on, from ble-host's own view of the encryption, and whether a key exists.
 * `bondKeySize` stands in where ble-host does not report the key size (after encrypting with a
 * stored LTK it reports none: a ble-host bug, see ble-host.test.ts).
 */
export function linkOf(cell: CellLine, keyExists: boolean, bondKeySize?: number): LinkSecurityState {
  const e = cell.encryption;
  if (!e) return { encrypted: false, authenticated: false, keyExists };
  const keySize = e.keySize ?? bondKeySize;
  return { encrypted: true, authenticated: e.mitm, keyExists: true, ...(keySize === undefined ? {} : { keySize }) };
}

export function cellsOf(lines: PeerLine[], phase: string): CellLine[] {
  return lines.filter((l): l is CellLine => l.event === 'cell' && l.phase === phase);
}

/**
 * Judges every cell of one phase; `keyExists` says whether the central had a key from an earlier
 * pairing when the link was not encrypted; `writeCommands` is what the peripheral's log says it did
 * with each Write Command, in order (taken from the front as the walk's Write Commands come).
 */
export function judgeCells(agreement: Agreement, profile: ResolvedProfile, label: string, cells: CellLine[], keyExists: boolean, writeCommands: WriteCommandRecord[], bondKeySize?: number): void {
  for (const cell of cells) {
    const c = findCharacteristic(profile, cell.uuid)!;
    const what = `${label}: ${c?.name ?? cell.uuid} ${cell.operation}`;
    if (!c) {
      agreement.check(what, 'a characteristic of the profile', cell.uuid);
      continue;
    }
    const expected = expectedOutcome(profile, c, DECIDED_AS[cell.operation], linkOf(cell, keyExists, bondKeySize));
    if (cell.operation === 'writeWithoutResponse') {
      const record = writeCommands.shift();
      agreement.check(`${what} (the peripheral's decision, from its log)`, { characteristic: c.name, attError: expected.ok ? 0 : expected.attError }, record ?? 'no log line');
      continue;
    }
    const code = expected.ok ? 0 : expected.attError;
    agreement.check(`${what}: ATT code`, code, cell.att);
    if (cell.operation === 'read' && expected.ok) agreement.check(`${what}: value`, c.value.toString('hex'), cell.hex);
  }
}

/**
 * The descriptors ble-host found under each characteristic, in handle order, with the values read:
 * the profile's, in the order blebench serves them (0x2900, 0x2901, 0x2902, 0x2904, custom; Vol 3
 * Part G 3.3.3), the CCCD reading 0x0000 before anyone subscribed.
 */
export function judgeDescriptors(agreement: Agreement, profile: ResolvedProfile, label: string, lines: PeerLine[]): void {
  for (const line of lines.filter((l) => l.event === 'descriptors')) {
    const c = findCharacteristic(profile, line.uuid as string);
    const got = (line.descriptors as Array<{ uuid: string; att: number; hex: string | null }>).map((d) => ({ uuid: parseUuid(d.uuid), att: d.att, hex: d.hex }));
    const want = (c?.descriptors ?? []).map((d) => ({ uuid: d.uuid, att: 0, hex: d.value.toString('hex') }));
    agreement.check(`${label}: descriptors of ${c?.name ?? String(line.uuid)}`, want, got);
  }
}
