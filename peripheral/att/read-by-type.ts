// Read By Type (and Read Using Characteristic UUID, Vol 3 Part G 4.8.2) over any range: every
// attribute of the type in the range, as many of one value length as fit ATT_MTU; the access check
// on the first decides an Error Response naming its handle; a later one the link may not read ends
// the list. Core v5.4 Vol 3 Part F 3.4.4.1-3.4.4.2.
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import type { AttHandleValue, AttReadByTypeRequest } from '../../common/stack/att/index.js';
import { delayOf, note, readDecision, valueOf } from './attribute-access.js';
import type { Answer, AttConnection, AttServerContext } from './att-context.js';
import { errorAnswer, invalidRange } from './answers.js';

/** Opcode, Length, and each entry's handle. Vol 3 Part F 3.4.4.2. */
const RESPONSE_HEADER = 2;
const HANDLE_LENGTH = 2;
/** The Length field is one octet: a value of at most 255 - 2 octets per entry. Vol 3 Part F 3.4.4.2. */
const MAX_ENTRY_VALUE = 253;

export function readByType(req: AttReadByTypeRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const { startingHandle: start, endingHandle: end, opcode } = req;
  if (invalidRange(start, end)) return errorAnswer(opcode, start, ATT_ERROR.INVALID_HANDLE);
  // Each value is cut at ATT_MTU - 4 octets (or 253). Vol 3 Part F 3.4.4.2.
  const room = Math.min(conn.mtu - RESPONSE_HEADER - HANDLE_LENGTH, MAX_ENTRY_VALUE);
  const data: AttHandleValue[] = [];
  let delayMs = 0;
  for (const a of ctx.table.ofType(start, end, req.attributeType)) {
    const value = valueOf(a, conn, ctx).subarray(0, room);
    if (data.length) {
      // One value length per response, and the response within ATT_MTU.
      if (value.length !== data[0]!.value.length) break;
      if (RESPONSE_HEADER + (data.length + 1) * (HANDLE_LENGTH + value.length) > conn.mtu) break;
    }
    const first = data.length === 0;
    const d = readDecision(a, ctx, true);
    const delay = delayOf(a, ctx, 'read');
    if (!d.ok) {
      if (!first) break; // the list ends before an attribute the link may not read
      note(ctx, a, opcode, 'read', d, { delayMs: delay });
      return errorAnswer(opcode, a.handle, d.attError, delay);
    }
    delayMs = Math.max(delayMs, delay);
    note(ctx, a, opcode, 'read', d, { value, delayMs: delay });
    data.push({ handle: a.handle, value: Buffer.from(value) });
  }
  if (!data.length) return errorAnswer(opcode, start, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
  return { pdu: { opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: data }, ...(delayMs ? { delayMs } : {}) };
}
