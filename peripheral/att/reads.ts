// Read, Read Blob, Read Multiple, Read Multiple Variable. Core v5.4 Vol 3 Part F 3.4.4.3-3.4.4.8,
// 3.4.4.11-3.4.4.12: a handle not in the table is Invalid Handle; then the access check; values cut
// at ATT_MTU - 1 (the whole response, for the multiple reads).
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { encodeAtt, type AttReadBlobRequest, type AttReadMultipleRequest, type AttReadMultipleVariableRequest, type AttReadRequest } from '../../common/stack/att/index.js';
import { delayOf, hasFixedLength, note, readDecision, valueOf } from './attribute-access.js';
import type { Answer, AttConnection, AttServerContext } from './att-context.js';
import { errorAnswer } from './answers.js';

const OPCODE_LENGTH = 1;

export function read(req: AttReadRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const a = ctx.table.at(req.handle);
  if (!a) return errorAnswer(req.opcode, req.handle, ATT_ERROR.INVALID_HANDLE);
  const d = readDecision(a, ctx, true);
  const delayMs = delayOf(a, ctx, 'read');
  if (!d.ok) {
    note(ctx, a, req.opcode, 'read', d, { delayMs });
    return errorAnswer(req.opcode, req.handle, d.attError, delayMs);
  }
  const value = Buffer.from(valueOf(a, conn, ctx).subarray(0, conn.mtu - OPCODE_LENGTH));
  note(ctx, a, req.opcode, 'read', d, { value, delayMs });
  return { pdu: { opcode: ATT_OP.READ_RSP, value }, ...(delayMs ? { delayMs } : {}) };
}

/**
 * From an offset: Attribute Not Long for a fixed-length value that fits a Read Response; Invalid
 * Offset past the end; at the end, an empty part. Vol 3 Part F 3.4.4.5.
 */
export function readBlob(req: AttReadBlobRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const a = ctx.table.at(req.handle);
  if (!a) return errorAnswer(req.opcode, req.handle, ATT_ERROR.INVALID_HANDLE);
  const delayMs = delayOf(a, ctx, 'read');
  let d = readDecision(a, ctx, true);
  const whole = valueOf(a, conn, ctx);
  if (d.ok && hasFixedLength(a) && whole.length <= conn.mtu - OPCODE_LENGTH) {
    d = { ok: false, attError: ATT_ERROR.ATTRIBUTE_NOT_LONG, reason: `the value has a fixed length of ${whole.length} octets, read whole by a Read Request` };
  } else if (d.ok && req.offset > whole.length) {
    d = { ok: false, attError: ATT_ERROR.INVALID_OFFSET, reason: `the offset ${req.offset} is past the end of the ${whole.length}-octet value` };
  }
  if (!d.ok) {
    note(ctx, a, req.opcode, 'read', d, { offset: req.offset, delayMs });
    return errorAnswer(req.opcode, req.handle, d.attError, delayMs);
  }
  const value = Buffer.from(whole.subarray(req.offset, req.offset + conn.mtu - OPCODE_LENGTH));
  note(ctx, a, req.opcode, 'read', d, { offset: req.offset, value, delayMs });
  return { pdu: { opcode: ATT_OP.READ_BLOB_RSP, value }, ...(delayMs ? { delayMs } : {}) };
}

/** Every handle read in turn; the first refused one answers for the request (its handle named). */
function readEach(opcode: number, handles: readonly number[], conn: AttConnection, ctx: AttServerContext): { values: Buffer[]; delayMs: number } | Answer {
  const values: Buffer[] = [];
  let delayMs = 0;
  for (const h of handles) {
    const a = ctx.table.at(h);
    if (!a) return errorAnswer(opcode, h, ATT_ERROR.INVALID_HANDLE, delayMs);
    const delay = delayOf(a, ctx, 'read');
    delayMs = Math.max(delayMs, delay);
    const d = readDecision(a, ctx, true);
    const value = valueOf(a, conn, ctx);
    note(ctx, a, opcode, 'read', d, { delayMs: delay, ...(d.ok ? { value } : {}) });
    if (!d.ok) return errorAnswer(opcode, h, d.attError, delayMs);
    values.push(value);
  }
  return { values, delayMs };
}

export function readMultiple(req: AttReadMultipleRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const r = readEach(req.opcode, req.handles, conn, ctx);
  if (!('values' in r)) return r;
  const values = Buffer.concat(r.values).subarray(0, conn.mtu - OPCODE_LENGTH);
  return { pdu: { opcode: ATT_OP.READ_MULTIPLE_RSP, values: Buffer.from(values) }, ...(r.delayMs ? { delayMs: r.delayMs } : {}) };
}

export function readMultipleVariable(req: AttReadMultipleVariableRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const r = readEach(req.opcode, req.handles, conn, ctx);
  if (!('values' in r)) return r;
  // The tuples are cut with the response at ATT_MTU - 1; a cut one keeps its full Length. Vol 3 Part F 3.4.4.12.
  const whole = encodeAtt({ opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples: r.values.map((v) => ({ length: v.length, value: v })) }).subarray(0, conn.mtu);
  const tuples = [];
  for (let i = OPCODE_LENGTH, k = 0; i + 2 <= whole.length; k++) {
    const length = r.values[k]!.length;
    tuples.push({ length, value: Buffer.from(whole.subarray(i + 2, i + 2 + length)) });
    i += 2 + length;
  }
  return { pdu: { opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples }, ...(r.delayMs ? { delayMs: r.delayMs } : {}) };
}
