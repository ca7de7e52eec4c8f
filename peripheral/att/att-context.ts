// What the ATT server needs from the peripheral around it, and what it keeps per connection.
// Core v5.4 Vol 3 Part F 3.2.8 (ATT_MTU per bearer), 3.4.6 (the prepare queue is per client).
import type { AttPdu } from '../../common/stack/att/index.js';
import type { LinkSecurityState } from '../../common/stack/gatt/index.js';
import type { Logger } from '../../common/base/log/logger.js';
import type { ChosenAnswer } from '../answers/access-policy.js';
import type { RequestRecord } from '../answers/request-record.js';
import type { ServedDescriptor } from '../gatt/served-profile.js';
import type { AnswerOperation, DelayOperation } from '../server-types.js';
import type { AttributeTable } from './attribute-table.js';
import type { ChangeAwareness } from '../gatt/change-awareness.js';

export interface AttServerContext {
  readonly table: AttributeTable;
  readonly log: Logger;
  /** The security of the link the request came on, as the access policy reads it. */
  link(): LinkSecurityState;
  /** One record per request on a profile attribute (the `request` event and its log line). */
  record(r: Omit<RequestRecord, 'central'>): void;
  /** The connected central's CCCD bits for a characteristic. */
  cccdBits(characteristic: string): number;
  cccdWritten(cccd: ServedDescriptor, bits: number): void;
  /** The answer chosen for this operation now (asked once per request that passed the property checks; it counts). */
  chosenAnswer(characteristic: string, operation: AnswerOperation): ChosenAnswer | undefined;
  /** How long to hold the answer (0: at once). */
  delayFor(characteristic: string, operation: DelayOperation): number;
  /** A Handle Value Confirmation arrived on this link. */
  confirmation(conn: AttConnection): void;
  /** The central's CSRK (Vol 3 Part H 2.4.2.2) from its bond, spec order (most significant octet first); undefined when none was distributed. */
  signingKey(): Buffer | undefined;
}

/** One queued Prepare Write. Vol 3 Part F 3.4.6.1. */
export interface PreparedWrite {
  readonly handle: number;
  readonly offset: number;
  readonly value: Buffer;
}

/** The ATT state of one connection. */
export interface AttConnection {
  readonly handle: number;
  /** ATT_MTU: 23 until Exchange MTU. Vol 3 Part F 3.2.8. */
  mtu: number;
  /** The one prepare queue of this client, across attributes. Vol 3 Part F 3.4.6. */
  readonly queue: PreparedWrite[];
  /** Service Changed's CCCD on this link (a bonded central's is kept across links, Vol 3 Part G 7.1). */
  serviceChangedCccd: number;
  /** Client Supported Features on this link (a bonded central's is kept across links, Vol 3 Part G 7.2). */
  clientFeatures: number;
  /** Whether the client is change-aware (robust caching, Vol 3 Part G 2.5.2.1). */
  awareness: ChangeAwareness;
  /** The last SignCounter accepted in a Signed Write Command (Vol 3 Part H 2.4.5). */
  signCounter: number | undefined;
}

/** What a handler answers: a PDU (none for commands), and how long to hold it. */
export interface Answer {
  readonly pdu?: AttPdu;
  readonly delayMs?: number;
}

export const NO_ANSWER: Answer = {};
