// Which timeline entries the chart draws, as what kind of arrow, between which lanes. Drawn: every ATT and SMP
// PDU (host to host), the HCI LE events that tell a link's story (connection, LTK request, encryption change,
// key refresh, disconnection) and the host's commands that answer them (Core v5.4 Vol 4 Part E 7.1.6, 7.8.24-26,
// 7.7.5, 7.7.8, 7.7.39, 7.7.65.1/.5/.10). The rest (scanning, buffer credits, set-up commands) is left out.
import { ATT_OP } from '../../base/codes/att.js';
import { EVT, H4, LE_EVT, OP } from '../../base/codes/hci.js';
import { SMP_CODE } from '../../base/codes/smp.js';
import type { TimelineEntry } from '../../stack/trace/timeline.js';
import type { ArrowKind, LaneId, Side } from './sequence.js';

/** Offsets in an H4 event packet: type, event code, length, then (LE Meta) the subevent. Vol 4 Part E 5.4.4. */
const EVENT_CODE_AT = 1;
const SUBEVENT_AT = 3;

const EVENTS_SHOWN = new Set<number>([EVT.DISCONNECTION_COMPLETE, EVT.ENCRYPTION_CHANGE, EVT.ENCRYPTION_CHANGE_V2, EVT.ENCRYPTION_KEY_REFRESH_COMPLETE]);
const LE_EVENTS_SHOWN = new Set<number>([LE_EVT.CONNECTION_COMPLETE, LE_EVT.ENHANCED_CONNECTION_COMPLETE, LE_EVT.LONG_TERM_KEY_REQUEST]);
const COMMANDS_SHOWN = new Set<number>([OP.DISCONNECT, OP.LE_ENABLE_ENCRYPTION, OP.LE_LONG_TERM_KEY_REQUEST_REPLY, OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY]);

const ATT_RESPONSES = new Set<number>([
  ATT_OP.EXCHANGE_MTU_RSP, ATT_OP.FIND_INFORMATION_RSP, ATT_OP.FIND_BY_TYPE_VALUE_RSP, ATT_OP.READ_BY_TYPE_RSP, ATT_OP.READ_RSP,
  ATT_OP.READ_BLOB_RSP, ATT_OP.READ_MULTIPLE_RSP, ATT_OP.READ_BY_GROUP_TYPE_RSP, ATT_OP.WRITE_RSP, ATT_OP.PREPARE_WRITE_RSP,
  ATT_OP.EXECUTE_WRITE_RSP, ATT_OP.READ_MULTIPLE_VARIABLE_RSP, ATT_OP.HANDLE_VALUE_CFM,
]);
const ATT_NOTIFY = new Set<number>([ATT_OP.HANDLE_VALUE_NTF, ATT_OP.HANDLE_VALUE_IND, ATT_OP.MULTIPLE_HANDLE_VALUE_NTF]);

function attKind(opcode: unknown): ArrowKind {
  if (opcode === ATT_OP.ERROR_RSP) return 'att-error';
  if (typeof opcode === 'number' && ATT_RESPONSES.has(opcode)) return 'att-response';
  if (typeof opcode === 'number' && ATT_NOTIFY.has(opcode)) return 'att-notify';
  return 'att-request';
}

/** The arrow kind of an entry the chart draws; undefined for an entry it leaves out. */
export function arrowKind(e: TimelineEntry): ArrowKind | undefined {
  switch (e.layer) {
    case 'att':
      return attKind(e.fields.opcode);
    case 'smp':
      return e.fields.code === SMP_CODE.PAIRING_FAILED ? 'smp-failed' : 'smp';
    case 'hci-evt': {
      if (e.raw[0] !== H4.EVENT) return undefined;
      const code = e.raw[EVENT_CODE_AT];
      if (code === EVT.LE_META) return LE_EVENTS_SHOWN.has(e.raw[SUBEVENT_AT] ?? -1) ? 'hci-event' : undefined;
      return code !== undefined && EVENTS_SHOWN.has(code) ? 'hci-event' : undefined;
    }
    case 'hci-cmd':
      return typeof e.fields.opcode === 'number' && COMMANDS_SHOWN.has(e.fields.opcode) ? 'hci-command' : undefined;
    default:
      return undefined;
  }
}

/** Host PDUs cross the air (an arrow host to host); HCI stays on its side (host ↔ controller). */
export function crossesAir(kind: ArrowKind): boolean {
  return kind !== 'hci-event' && kind !== 'hci-command';
}

const HOST: Record<Side, LaneId> = { central: 'central-host', peripheral: 'peripheral-host' };
const CONTROLLER: Record<Side, LaneId> = { central: 'central-controller', peripheral: 'peripheral-controller' };
const OTHER: Record<Side, Side> = { central: 'peripheral', peripheral: 'central' };

/** The lanes of an entry seen on `side`'s tap: a sent PDU goes from this host to the peer's, a received one comes from it. */
export function lanesOf(side: Side, e: TimelineEntry, kind: ArrowKind): { from: LaneId; to: LaneId } {
  if (crossesAir(kind)) return e.dir === 'tx' ? { from: HOST[side], to: HOST[OTHER[side]] } : { from: HOST[OTHER[side]], to: HOST[side] };
  return e.dir === 'tx' ? { from: HOST[side], to: CONTROLLER[side] } : { from: CONTROLLER[side], to: HOST[side] };
}
