// The security matrix over the OS stack (transport `os`): one phase, "as the OS handled it", on one
// connection: every characteristic × operation it declares, each cell what the OS API reported
// (source `api`). The OS pairs when it likes, so there is no unencrypted/paired split of ours, no
// pairing report, no link security; the header and each cell say what the API cannot show.
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { findCharacteristic } from '../../common/stack/gatt/resolved-profile.js';
import { ATT_DEFAULT_LE_MTU } from '../../common/base/codes/att.js';
import { WRITE_HEADER_LENGTH } from '../att/att-exchange.js';
import { isCentralError, OperationTimeout, type CentralError } from '../errors.js';
import { API_FACTS_HEADER, type ApiCell, type CellOutcome, type MatrixOperation, type MatrixResult, type Phase } from '../matrix/matrix-types.js';
import { valueOutcome } from '../matrix/outcome-text.js';
import { valueToWrite } from '../matrix/write-value.js';
import { offered } from '../matrix/run-phase.js';
import type { Found } from '../scan.js';
import { isOsApiError } from './os-api-error.js';
import { compareApiWithProfile } from './os-compare.js';
import type { OsCentralClient, OsCharacteristic, OsConnection } from './os-central.js';

/** What an os matrix cannot show, printed under its header line. */
export const OS_MATRIX_LIMITS: readonly string[] = [
  'no ATT PDUs, handles, link encryption, key size or pairing report: the OS keeps HCI to itself',
  'pairing is decided by the OS (its dialog, its bonds); blebench\'s Security Manager does not run',
  'an ATT code is shown only where the OS\'s error text names it one to one (CoreBluetooth\'s CBATTError texts); otherwise "ATT code unknown"',
  "noble 1.9.2-26's platform bindings forward no read/write errors: a failed read can show the OS's cached value, a failed write can look written",
];

/** Per operation, what the API's success cannot prove (noble 1.9.2-26's mac and win bindings). */
export const OS_SUCCESS_CAVEAT: Record<MatrixOperation, string> = {
  read: "the binding forwards no read error: CoreBluetooth's cached value (empty if never read) looks the same as a value read now",
  write: 'the binding forwards no write error: a refused write looks the same as one the peer accepted',
  writeWithoutResponse: 'a Write Command is never answered; the OS only says it queued it',
  notify: 'the OS wrote the CCCD and says notifications are on; it chooses the bit itself',
  indicate: 'the OS chooses the CCCD bit itself (CoreBluetooth: notifications when both are offered), so this may be the notify subscription again',
};

function errorWhy(e: CentralError): string {
  if (e instanceof OperationTimeout) return `${e.message}; the OS reported nothing (noble's WinRT binding drops a failed read without any event)`;
  if (isOsApiError(e) && e.attCode !== undefined) return `${e.message}; the OS paired or not as it chose: the link's security is not reported`;
  return `${e.message}; the link's security is the OS's and not reported`;
}

async function runCell(conn: OsConnection, c: OsCharacteristic, op: MatrixOperation, readBack: Map<string, Buffer>, profile?: ResolvedProfile): Promise<ApiCell> {
  const profileChar = profile ? findCharacteristic(profile, c.uuid) : undefined;
  const key = `${c.api.serviceUuid}/${c.api.uuid}`;
  let outcome: CellOutcome;
  let why: string;
  try {
    switch (op) {
      case 'read': {
        const v = await conn.read(c);
        readBack.set(key, v);
        outcome = valueOutcome(v, c.uuid);
        why = `the OS reported ${v.length} octet(s)`;
        break;
      }
      case 'write':
      case 'writeWithoutResponse': {
        const room = op === 'write' ? Number.MAX_SAFE_INTEGER : ATT_DEFAULT_LE_MTU - WRITE_HEADER_LENGTH;
        const choice = valueToWrite(readBack.get(key), room, profileChar);
        if (op === 'write') await conn.write(c, choice.value);
        else await conn.writeWithoutResponse(c, choice.value);
        outcome = { kind: op === 'write' ? 'written' : 'sent', hex: choice.value.toString('hex') };
        why = `${choice.why}; the OS reported the write ${op === 'write' ? 'done' : 'queued'}`;
        break;
      }
      case 'notify':
      case 'indicate': {
        await conn.subscribe(c);
        outcome = { kind: 'subscribed' };
        why = 'the OS reported notifications on; then turned them off again';
        await conn.unsubscribe(c).catch(() => undefined);
        break;
      }
    }
  } catch (e) {
    if (!isCentralError(e)) throw e;
    const cell: ApiCell = { phase: 'os', source: 'api', characteristic: { uuid: c.uuid, serviceUuid: c.serviceUuid }, operation: op, outcome: { kind: 'error', error: e }, why: errorWhy(e) };
    if (profileChar) cell.characteristic.name = profileChar.name;
    return cell;
  }
  const cell: ApiCell = { phase: 'os', source: 'api', characteristic: { uuid: c.uuid, serviceUuid: c.serviceUuid }, operation: op, outcome, why: `${why} (${OS_SUCCESS_CAVEAT[op]})`, caveat: OS_SUCCESS_CAVEAT[op] };
  if (profileChar) cell.characteristic.name = profileChar.name;
  return cell;
}

export interface OsMatrixOptions {
  profile?: ResolvedProfile;
  onPhase?: (phase: Phase<ApiCell>) => void;
}

export async function runOsMatrix(client: OsCentralClient, found: Found, options: OsMatrixOptions = {}): Promise<MatrixResult<ApiCell>> {
  const phase: Phase<ApiCell> = { name: 'os', policy: 'os', cells: [], pairings: [] };
  const result: MatrixResult<ApiCell> = {
    target: found.advertisement,
    policy: 'os',
    facts: { source: 'api', header: API_FACTS_HEADER, limits: [...OS_MATRIX_LIMITS] },
    phases: [phase],
    differences: [],
  };
  let chars: OsCharacteristic[] = [];
  let conn: OsConnection | undefined;
  try {
    conn = await client.connect(found);
    chars = await conn.characteristics();
    const readBack = new Map<string, Buffer>();
    walk: for (const c of chars) {
      for (const op of offered(c)) {
        const cell = await runCell(conn, c, op, readBack, options.profile);
        phase.cells.push(cell);
        if (cell.outcome.kind === 'error' && !conn.connected) {
          phase.note = `the link was lost: ${cell.outcome.error.message}; the cells after it were not tried`;
          break walk;
        }
      }
    }
  } catch (e) {
    if (!isCentralError(e)) throw e;
    phase.note = `the phase could not run: ${e.message}`;
  } finally {
    await conn?.disconnect().catch(() => undefined);
  }
  options.onPhase?.(phase);
  if (options.profile) {
    result.profile = { name: options.profile.name, source: options.profile.source };
    result.differences = compareApiWithProfile(result, options.profile, chars);
    if (phase.note) result.differences.push(`phase os: ${phase.note}`);
  }
  return result;
}
