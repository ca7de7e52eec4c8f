// One phase of the matrix on one connection: every characteristic × every operation it declares.
// Reads go first, so a write can put back the value just read; a subscription is undone at once.
import { findCharacteristic, type ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { WRITE_HEADER_LENGTH } from '../att/att-exchange.js';
import type { CentralConnection, OperationRecord } from '../connection.js';
import { isCentralError, type CentralError } from '../errors.js';
import { hasProperty, type DiscoveredCharacteristic } from '../gatt/discovered.js';
import { MATRIX_OPERATIONS, type Cell, type CellOutcome, type MatrixOperation, type PhaseName } from './matrix-types.js';
import { valueOutcome } from './outcome-text.js';
import { valueToWrite } from './write-value.js';

/** The largest value a single Write Request or Write Command carries at the default ATT_MTU (23). Vol 3 Part F 3.2.8. */
const DEFAULT_MTU = 23;

export const offered = (c: DiscoveredCharacteristic): MatrixOperation[] => MATRIX_OPERATIONS.filter((op) => hasProperty(c, op));

function linkWords(cell: Pick<Cell, 'security'>): string {
  const s = cell.security;
  return s.encrypted ? `the link was encrypted (key ${s.keySize ?? '?'} octets, ${s.authenticated ? 'MITM' : 'no MITM'})` : `the link was not encrypted${s.keyExists ? ' (a key exists from an earlier pairing)' : ''}`;
}

function errorWhy(e: CentralError, rec: OperationRecord, cell: Pick<Cell, 'security'>): string {
  const base = `${e.message}; ${linkWords(cell)}`;
  if (rec.pairing?.error) return `the first attempt got ${rec.attempts[0]?.error?.label}; the central paired and pairing failed: ${rec.pairing.error.message}`;
  return rec.noPairing ? `${base}; no pairing: ${rec.noPairing}` : base;
}

export interface MatrixPhaseContext {
  conn: CentralConnection;
  phase: PhaseName;
  profile?: ResolvedProfile;
}

export async function runCell(ctx: MatrixPhaseContext, c: DiscoveredCharacteristic, op: MatrixOperation, readBack: Map<number, Buffer>): Promise<Cell> {
  const { conn } = ctx;
  const rec: OperationRecord = { attempts: [] };
  const assumed = conn.peerKeyAssumed();
  const firstSeq = conn.tapSeq;
  const profileChar = ctx.profile ? findCharacteristic(ctx.profile, c.uuid) : undefined;
  let outcome: CellOutcome;
  let why: string;
  try {
    switch (op) {
      case 'read': {
        const v = await conn.read(c, rec);
        readBack.set(c.valueHandle, v);
        outcome = valueOutcome(v, c.uuid);
        why = `read ${v.length} octet(s)`;
        break;
      }
      case 'write':
      case 'writeWithoutResponse': {
        // A Write Command must fit one PDU; a Write Request may go long (Prepare/Execute).
        const room = op === 'write' ? Number.MAX_SAFE_INTEGER : DEFAULT_MTU - WRITE_HEADER_LENGTH;
        const choice = valueToWrite(readBack.get(c.valueHandle), room, profileChar);
        if (op === 'write') await conn.write(c, choice.value, rec);
        else await conn.writeWithoutResponse(c, choice.value, rec);
        outcome = { kind: op === 'write' ? 'written' : 'sent', hex: choice.value.toString('hex') };
        why = op === 'write' ? `${choice.why}; the server answered Write Response` : `${choice.why}; a Write Command is never answered, so the air cannot show whether the server applied or dropped it`;
        break;
      }
      case 'notify':
      case 'indicate': {
        await conn.subscribe(c, op, rec);
        outcome = { kind: 'subscribed' };
        why = `the CCCD write (${op === 'notify' ? 'notifications' : 'indications'} on) was answered with Write Response; it was then written back to 0x0000`;
        await conn.unsubscribe(c).catch(() => undefined);
        break;
      }
    }
  } catch (e) {
    if (!isCentralError(e)) throw e;
    outcome = { kind: 'error', error: e };
    why = '';
  }
  const security = conn.security();
  const cell: Cell = { phase: ctx.phase, source: 'air', characteristic: { uuid: c.uuid, serviceUuid: c.serviceUuid }, operation: op, outcome, why, security };
  if (profileChar) cell.characteristic.name = profileChar.name;
  if (assumed) cell.peerKeyAssumed = true;
  cell.entries = { from: firstSeq, to: conn.tapSeq };
  if (outcome.kind === 'error') cell.why = errorWhy(outcome.error, rec, cell);
  else cell.why = `${why}; ${linkWords(cell)}`;
  if (rec.mitmPairing) {
    cell.mitmPairing = rec.mitmPairing;
    if (!rec.pairing && rec.attempts[0]?.error) cell.firstError = rec.attempts[0].error;
    cell.why = `${cell.why}; then it paired again asking for MITM (${rec.mitmPairing.method ?? 'pairing'}${rec.mitmPairing.error ? `, failed: ${rec.mitmPairing.error.label}` : ''})`;
  }
  if (rec.pairing) {
    cell.pairing = rec.pairing;
    const first = rec.attempts[0]?.error;
    if (first) {
      cell.firstError = first;
      if (outcome.kind !== 'error') cell.why = `first ${first.label} (${(first as { meaning?: string }).meaning ?? first.message}); the central paired (${rec.pairing.method ?? 'pairing'}) and re-sent: ${cell.why}`;
    }
  }
  return cell;
}

/** Every cell of a phase, in discovery order. Stops early (returning what it has) if the link is lost. */
export async function runPhase(ctx: MatrixPhaseContext, chars: readonly DiscoveredCharacteristic[]): Promise<{ cells: Cell[]; lost?: CentralError }> {
  const cells: Cell[] = [];
  const readBack = new Map<number, Buffer>();
  for (const c of chars) {
    for (const op of offered(c)) {
      const cell = await runCell(ctx, c, op, readBack);
      cells.push(cell);
      if (cell.outcome.kind === 'error' && !ctx.conn.connected) return { cells, lost: cell.outcome.error };
    }
  }
  return { cells };
}
