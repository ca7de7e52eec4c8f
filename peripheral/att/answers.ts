// Answers every handler shares: the Error Response and the handle-range check. Core v5.4 Vol 3
// Part F 3.4.1.1 (Error Response), 3.4.3.1 / 3.4.4.1 / 3.4.4.9 (a range starting at 0x0000 or
// ending before it starts is Invalid Handle).
import { ATT_OP } from '../../common/base/codes/att.js';
import { ATT_RESERVED_HANDLE } from '../../common/stack/att/index.js';
import type { Answer } from './att-context.js';

export function errorAnswer(requestOpcode: number, handle: number, errorCode: number, delayMs = 0): Answer {
  return { pdu: { opcode: ATT_OP.ERROR_RSP, requestOpcode, handle, errorCode }, ...(delayMs > 0 ? { delayMs } : {}) };
}

/** Starting Handle 0x0000, or greater than the Ending Handle. */
export const invalidRange = (start: number, end: number): boolean => start === ATT_RESERVED_HANDLE || start > end;
