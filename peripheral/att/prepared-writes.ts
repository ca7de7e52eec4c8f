// Prepare Write and Execute Write: one queue per connection, across characteristic values and
// descriptors. A Prepare Write is checked for access when it arrives (Insufficient Authentication
// etc. name its handle); the queued values are checked when executed, all before any is applied:
// Invalid Offset or Invalid Attribute Value Length (or the profile's value rules) cancel the whole
// queue and nothing changes. Core v5.4 Vol 3 Part F 3.4.6; Vol 3 Part G 4.9.4-4.9.5.
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { EXECUTE_WRITE_FLAGS, type AttExecuteWriteRequest, type AttPrepareWriteRequest } from '../../common/stack/att/index.js';
import { MAX_ATTRIBUTE_VALUE_LENGTH } from '../../common/stack/gatt/index.js';
import { applyWrite, delayOf, note, valueOf, writeDecision } from './attribute-access.js';
import type { Answer, AttConnection, AttServerContext } from './att-context.js';
import type { Attribute } from './attribute-table.js';
import { errorAnswer } from './answers.js';

/** How many Prepare Writes one connection may queue; the next is Prepare Queue Full (0x09). */
export const PREPARE_QUEUE_CAPACITY = 64;

export function prepareWrite(req: AttPrepareWriteRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const a = ctx.table.at(req.handle);
  if (!a) return errorAnswer(req.opcode, req.handle, ATT_ERROR.INVALID_HANDLE);
  const delayMs = delayOf(a, ctx, 'write');
  const d = writeDecision(a, ctx, 'prepare', undefined, conn);
  note(ctx, a, req.opcode, 'prepare', d, { offset: req.offset, delayMs });
  if (!d.ok) return errorAnswer(req.opcode, req.handle, d.attError, delayMs);
  if (conn.queue.length >= PREPARE_QUEUE_CAPACITY) {
    ctx.log.warn({ handle: req.handle, queued: conn.queue.length }, `Prepare Write refused: the queue holds ${PREPARE_QUEUE_CAPACITY} writes already (0x09 Prepare Queue Full)`);
    return errorAnswer(req.opcode, req.handle, ATT_ERROR.PREPARE_QUEUE_FULL, delayMs);
  }
  conn.queue.push({ handle: req.handle, offset: req.offset, value: req.value });
  return { pdu: { opcode: ATT_OP.PREPARE_WRITE_RSP, handle: req.handle, offset: req.offset, value: req.value }, ...(delayMs ? { delayMs } : {}) };
}

interface Staged {
  readonly attribute: Attribute;
  value: Buffer;
  readonly firstOffset: number;
  octets: number;
}

export function executeWrite(req: AttExecuteWriteRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const queue = conn.queue.splice(0);
  if (req.flags === EXECUTE_WRITE_FLAGS.CANCEL_ALL) return { pdu: { opcode: ATT_OP.EXECUTE_WRITE_RSP } };
  if (req.flags !== EXECUTE_WRITE_FLAGS.WRITE_ALL) return errorAnswer(req.opcode, 0, ATT_ERROR.INVALID_PDU);
  // Build every new value in queue order, from the value held now.
  const staged = new Map<number, Staged>();
  for (const p of queue) {
    const a = ctx.table.at(p.handle)!;
    const s = staged.get(p.handle) ?? { attribute: a, value: valueOf(a, conn, ctx), firstOffset: p.offset, octets: 0 };
    staged.set(p.handle, s);
    if (p.offset > s.value.length) return refused(req.opcode, s, ATT_ERROR.INVALID_OFFSET, `the prepared offset ${p.offset} is past the end of the ${s.value.length}-octet value`, queue.length, ctx);
    s.value = Buffer.concat([s.value.subarray(0, p.offset), p.value]);
    s.octets += p.value.length;
    if (s.value.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      return refused(req.opcode, s, ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH, `the prepared value is ${s.value.length} octets; an attribute holds at most ${MAX_ATTRIBUTE_VALUE_LENGTH} (Vol 3 Part F 3.2.9)`, queue.length, ctx);
    }
  }
  // The whole queue is checked before anything is applied.
  for (const s of staged.values()) {
    const d = writeDecision(s.attribute, ctx, 'execute', s.value, conn);
    if (!d.ok) return refused(req.opcode, s, d.attError, d.reason, queue.length, ctx);
  }
  for (const s of staged.values()) {
    applyWrite(s.attribute, s.value, conn, ctx);
    note(ctx, s.attribute, req.opcode, 'execute', { ok: true, reason: `the ${s.octets} queued octets were written from offset ${s.firstOffset}` }, { offset: s.firstOffset, value: s.value });
  }
  return { pdu: { opcode: ATT_OP.EXECUTE_WRITE_RSP } };
}

function refused(opcode: number, s: Staged, code: number, reason: string, queued: number, ctx: AttServerContext): Answer {
  note(ctx, s.attribute, opcode, 'execute', { ok: false, attError: code, reason: `${reason}; the ${queued} queued writes were discarded, none applied` }, { offset: s.firstOffset });
  return errorAnswer(opcode, s.attribute.handle, code);
}
