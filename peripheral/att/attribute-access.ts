// Who may read or write an attribute of the table, and its value now: the table's own attributes
// (declarations open to read, never to write; Device Name and Appearance readable; Service Changed
// indicate-only; Client Supported Features per link, its bits never cleared; Database Hash read-only),
// the profile's through peripheral/answers/access-policy.ts. Core v5.4 Vol 3 Part F 3.4.1.1,
// Vol 3 Part G 3.3.3.3 (CCCD), 7.1 (Service Changed), 7.2 (Client Supported Features), 7.3 (Database Hash).
import { CLIENT_FEATURE } from '../../common/base/codes/gatt.js';
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { CCCD_BITS } from '../../common/stack/gatt/index.js';
import { CCCD_LENGTH, decideCccdWrite, decideDescriptorRead, decideDescriptorWrite, decideValueRead, decideValueWrite, type Decision } from '../answers/access-policy.js';
import { requestOutcomeOf, requestName, type RequestOperation } from '../answers/request-record.js';
import type { ServedAttribute } from '../gatt/served-profile.js';
import { cccdBytes } from '../gatt/subscriptions.js';
import type { AnswerOperation, DelayOperation } from '../server-types.js';
import type { AttConnection, AttServerContext } from './att-context.js';
import type { Attribute } from './attribute-table.js';

const refuse = (attError: number, reason: string): Decision => ({ ok: false, attError, reason });
const OPEN: Decision = { ok: true, reason: 'declarations and GAP values are open to read' };

/** The characteristic's name and the attribute's ('value' or the descriptor's name). */
export function namesOf(s: ServedAttribute): { characteristic: string; attribute: string } {
  return s.kind === 'value' ? { characteristic: s.characteristic.def.name, attribute: 'value' } : { characteristic: s.descriptor.characteristic.def.name, attribute: s.descriptor.def.name };
}

const isCccd = (s: ServedAttribute) => s.kind === 'descriptor' && s.descriptor.def.kind === 'cccd';

/** The value served now: the CCCDs' are this link's. */
export function valueOf(a: Attribute, conn: AttConnection, ctx: AttServerContext): Buffer {
  switch (a.kind) {
    case 'serviceChangedCccd':
      return cccdBytes(conn.serviceChangedCccd);
    case 'clientFeatures':
      return Buffer.from([conn.clientFeatures]);
    case 'databaseHash':
      // Reading the hash is half of the way back to change-aware (Vol 3 Part G 2.5.2.1).
      conn.awareness.hashWasRead();
      return a.value;
    case 'profile': {
      const s = a.served;
      if (s.kind === 'value') return s.characteristic.value;
      return isCccd(s) ? cccdBytes(ctx.cccdBits(s.descriptor.characteristic.def.name)) : s.descriptor.value;
    }
    default:
      return a.value;
  }
}

/** Attributes whose value has one fixed length: Read Blob on them may answer Attribute Not Long. Vol 3 Part F 3.4.4.5. */
export function hasFixedLength(a: Attribute): boolean {
  if (a.kind === 'profile') return isCccd(a.served);
  return a.kind !== 'fixed' || a.fixedLength;
}

/** May this link read it? `choose`: let a chosen answer (answerWith) take the place of the security decision. */
export function readDecision(a: Attribute, ctx: AttServerContext, choose: boolean): Decision {
  switch (a.kind) {
    case 'serviceChangedCccd':
    case 'clientFeatures':
    case 'databaseHash':
      return { ok: true, reason: 'the GATT service\'s CCCD, Client Supported Features and Database Hash are open to read' };
    case 'fixed':
      return a.readable ? OPEN : refuse(ATT_ERROR.READ_NOT_PERMITTED, 'Service Changed is indicated, never read (Vol 3 Part G 7.1)');
    case 'profile': {
      const s = a.served;
      if (s.kind === 'descriptor') return decideDescriptorRead(s.descriptor, ctx.link());
      const name = s.characteristic.def.name;
      return decideValueRead(s.characteristic, ctx.link(), choose ? () => ctx.chosenAnswer(name, 'read') : undefined);
    }
    default:
      return OPEN;
  }
}

export type WriteKind = 'request' | 'command' | 'prepare' | 'execute';

/** May this link write it (with this value; `undefined` for a Prepare Write, whose value is checked at execute)? */
export function writeDecision(a: Attribute, ctx: AttServerContext, kind: WriteKind, value: Buffer | undefined, conn: AttConnection): Decision {
  switch (a.kind) {
    case 'clientFeatures': {
      if (value === undefined) return { ok: true, reason: 'Client Supported Features is open to write' };
      if (value.length === 0) return refuse(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH, 'Client Supported Features takes at least one octet');
      // A client shall not clear a bit it has set: Value Not Allowed. Vol 3 Part G 7.2.
      const cleared = conn.clientFeatures & ~value[0]!;
      if (cleared) return refuse(ATT_ERROR.VALUE_NOT_ALLOWED, `a client may not clear a Client Supported Features bit it has set (bits 0x${cleared.toString(16).padStart(2, '0')})`);
      return { ok: true, reason: 'Client Supported Features is open to write' };
    }
    case 'serviceChangedCccd': {
      if (value === undefined) return { ok: true, reason: "Service Changed's CCCD is open to write" };
      if (value.length !== CCCD_LENGTH) return refuse(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH, `a CCCD value is ${CCCD_LENGTH} octets and ${value.length} were written`);
      const bits = value.readUInt16LE(0);
      if (bits & ~CCCD_BITS.indication) return refuse(ATT_ERROR.VALUE_NOT_ALLOWED, 'Service Changed is indicated only: its CCCD takes bit 1 alone');
      return { ok: true, reason: "Service Changed's CCCD is open to write" };
    }
    case 'profile': {
      const s = a.served;
      const link = ctx.link();
      const chosen = (op: AnswerOperation) => (kind === 'execute' ? undefined : () => ctx.chosenAnswer(namesOf(s).characteristic, op));
      if (s.kind === 'value') {
        const command = kind === 'command';
        return decideValueWrite(s.characteristic, link, command, value, chosen(command ? 'writeWithoutResponse' : 'write'));
      }
      if (isCccd(s) && value !== undefined) return decideCccdWrite(s.descriptor, link, value, chosen('subscribe'));
      return decideDescriptorWrite(s.descriptor, link);
    }
    default:
      return refuse(ATT_ERROR.WRITE_NOT_PERMITTED, 'declarations and GAP/GATT values are read-only');
  }
}

/** Stores a written value (a CCCD's bits go to the link's subscriptions). */
export function applyWrite(a: Attribute, value: Buffer, conn: AttConnection, ctx: AttServerContext): void {
  if (a.kind === 'serviceChangedCccd') conn.serviceChangedCccd = value.readUInt16LE(0);
  // Only the bits this server knows are kept (robust caching; no EATT, no multiple notifications). Vol 3 Part G 7.2.
  if (a.kind === 'clientFeatures') conn.clientFeatures |= value[0]! & CLIENT_FEATURE.ROBUST_CACHING;
  if (a.kind !== 'profile') return;
  const s = a.served;
  if (s.kind === 'value') s.characteristic.value = Buffer.from(value);
  else if (isCccd(s)) ctx.cccdWritten(s.descriptor, value.readUInt16LE(0));
  else s.descriptor.value = Buffer.from(value);
}

/** The delay chosen for an operation on a profile attribute (descriptors other than the CCCD: none). */
export function delayOf(a: Attribute, ctx: AttServerContext, operation: 'read' | 'write'): number {
  if (a.kind !== 'profile') return 0;
  const s = a.served;
  const op: DelayOperation | undefined = s.kind === 'value' ? operation : isCccd(s) && operation === 'write' ? 'subscribe' : undefined;
  return op ? ctx.delayFor(namesOf(s).characteristic, op) : 0;
}

/** The request operation a record names. */
export function operationOf(a: Attribute, kind: 'read' | WriteKind | 'signed'): RequestOperation {
  const s = a.kind === 'profile' ? a.served : undefined;
  if (kind === 'signed') return 'signedWrite';
  if (kind === 'execute') return 'executeWrite';
  if (kind === 'prepare') return 'prepareWrite';
  if (kind === 'read') return s?.kind === 'descriptor' ? 'descriptorRead' : 'read';
  if (s?.kind === 'descriptor') return isCccd(s) ? 'subscribe' : 'descriptorWrite';
  return kind === 'command' ? 'writeWithoutResponse' : 'write';
}

/** Records a request on a profile attribute (the table's own attributes are not recorded). */
export function note(
  ctx: AttServerContext,
  a: Attribute,
  opcode: number,
  kind: 'read' | WriteKind | 'signed',
  d: Decision,
  extra: { offset?: number; value?: Buffer; silent?: boolean; delayMs?: number } = {},
): void {
  if (a.kind !== 'profile') return;
  ctx.record({
    ...namesOf(a.served),
    handle: a.handle,
    request: requestName(opcode),
    operation: operationOf(a, kind),
    ...(extra.offset ? { offset: extra.offset } : {}),
    ...(extra.delayMs ? { delayMs: extra.delayMs } : {}),
    outcome: requestOutcomeOf(d, extra.silent ?? false, extra.value),
    reason: d.reason,
  });
}
