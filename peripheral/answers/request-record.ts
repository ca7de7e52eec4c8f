// What the peripheral tells about each request it answered: a typed record for the `request` event,
// and the same in words for the log ("central …: Read Request for "Encrypted Read" (handle 0x0012)
// → 0x05 Insufficient Authentication: the link is not encrypted and …").
import { attError, attOpcodeName } from '../../common/base/codes/att.js';
import type { Decision } from './access-policy.js';
import { hex } from '../../common/base/codes/code-table.js';

export type RequestOperation =
  | 'read'
  | 'write'
  | 'writeWithoutResponse'
  | 'prepareWrite'
  | 'executeWrite'
  | 'subscribe'
  | 'descriptorRead'
  | 'descriptorWrite'
  | 'signedWrite';

export type RequestOutcome =
  | { readonly ok: true; readonly value?: Buffer }
  | {
      readonly ok: false;
      readonly attError: number;
      readonly errorName: string;
      /** No Error Response went over the air (a command is never answered, Vol 3 Part F 3.4.5.3). */
      readonly silent: boolean;
    };

export interface RequestRecord {
  /** The central's address, as the tap saw it in LE Connection Complete. */
  readonly central: string | undefined;
  /** The connection handle the request came on (several centrals may be connected). */
  readonly connection?: number;
  readonly characteristic: string;
  /** 'value', or the descriptor's name ("Client Characteristic Configuration"). */
  readonly attribute: string;
  readonly handle: number;
  /** The ATT PDU: "Read Blob Request". */
  readonly request: string;
  readonly operation: RequestOperation;
  readonly offset?: number;
  readonly outcome: RequestOutcome;
  /** Why, in words. */
  readonly reason: string;
  /** The answer is held this long before it goes out (PeripheralServer.delayAnswers). */
  readonly delayMs?: number;
}

export function requestOutcomeOf(d: Decision, silent: boolean, value?: Buffer): RequestOutcome {
  if (d.ok) return value === undefined ? { ok: true } : { ok: true, value };
  return { ok: false, attError: d.attError, errorName: attError(d.attError).name, silent };
}

export function requestName(opcode: number): string {
  return attOpcodeName(opcode);
}


/** One line for the log. */
export function describeRequest(r: RequestRecord): string {
  const what = r.attribute === 'value' ? `"${r.characteristic}"` : `the ${r.attribute} of "${r.characteristic}"`;
  const at = r.offset ? ` at offset ${r.offset}` : '';
  const answer = r.outcome.ok
    ? r.operation === 'read' || r.operation === 'descriptorRead'
      ? `answered with ${r.outcome.value?.length ?? 0} octets`
      : 'accepted'
    : `${r.outcome.silent ? 'dropped (a command gets no answer; the spec would say' : 'answered'} ${hex(r.outcome.attError)} ${r.outcome.errorName}${r.outcome.silent ? ')' : ''}`;
  const held = r.delayMs ? ` (held ${r.delayMs} ms, as asked)` : '';
  return `central ${r.central ?? '(unknown)'}: ${r.request} for ${what} (handle ${hex(r.handle, 4)})${at} → ${answer}${held}: ${r.reason}`;
}
