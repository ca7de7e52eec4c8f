// Write Request and Write Command. Core v5.4 Vol 3 Part F 3.4.5.1-3.4.5.3: a handle not in the table
// is Invalid Handle; then the access check and the value's checks; a command is never answered, so a
// refused one is dropped (and recorded as such).
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import type { AttWriteCommand, AttWriteRequest } from '../../common/stack/att/index.js';
import { applyWrite, delayOf, note, writeDecision } from './attribute-access.js';
import { NO_ANSWER, type Answer, type AttConnection, type AttServerContext } from './att-context.js';
import { errorAnswer } from './answers.js';

export function handleWriteRequest(req: AttWriteRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const a = ctx.table.at(req.handle);
  if (!a) return errorAnswer(req.opcode, req.handle, ATT_ERROR.INVALID_HANDLE);
  const delayMs = delayOf(a, ctx, 'write');
  const d = writeDecision(a, ctx, 'request', req.value, conn);
  note(ctx, a, req.opcode, 'request', d, { delayMs });
  if (!d.ok) return errorAnswer(req.opcode, req.handle, d.attError, delayMs);
  applyWrite(a, req.value, conn, ctx);
  return { pdu: { opcode: ATT_OP.WRITE_RSP }, ...(delayMs ? { delayMs } : {}) };
}

export function handleWriteCommand(req: AttWriteCommand, conn: AttConnection, ctx: AttServerContext): Answer {
  const a = ctx.table.at(req.handle);
  if (!a) {
    ctx.log.debug({ handle: req.handle }, 'a Write Command to a handle not in the table was dropped');
    return NO_ANSWER;
  }
  const d = writeDecision(a, ctx, 'command', req.value, conn);
  note(ctx, a, req.opcode, 'command', d, { silent: !d.ok });
  if (d.ok) applyWrite(a, req.value, conn, ctx);
  return NO_ANSWER;
}
