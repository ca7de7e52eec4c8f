// Every central operation ends in a value or one of these: a typed error carrying the ATT, SMP or
// HCI code, its spec name and its meaning (common/base/codes), and words for what it means here. Each is a
// BlebenchError: its `code` (ATT_ERROR_RESPONSE, HCI_STATUS...) gives the exit code and what to do
// (common/base/errors/error-codes.ts); the protocol's own number is `attCode`, `reason` or `status`.
import { attError, attOpcodeName } from '../common/base/codes/att.js';
import { hex } from '../common/base/codes/code-table.js';
import { hciStatus } from '../common/base/codes/hci.js';
import { smpReason } from '../common/base/codes/smp.js';
import { BlebenchError } from '../common/base/errors/blebench-error.js';

/** `api`: the OS stack reported it (transport `os`), not the air: central/os/os-api-error.ts. */
export type CentralErrorKind = 'att' | 'smp' | 'hci' | 'timeout' | 'usage' | 'protocol' | 'api';

export abstract class CentralError extends BlebenchError {
  abstract readonly kind: CentralErrorKind;
  /** "ATT 0x05 Insufficient Authentication": the code and its name, for tables and logs. */
  abstract readonly label: string;
}

/** The server answered with an ATT Error Response. Core v5.4 Vol 3 Part F 3.4.1.1. */
export class AttError extends CentralError {
  readonly kind = 'att';
  readonly code = 'ATT_ERROR_RESPONSE';
  override readonly name: string;
  readonly meaning: string;
  readonly requestName: string;
  constructor(
    /** The Error Code of the ATT Error Response. */
    readonly attCode: number,
    readonly requestOpcode: number,
    readonly handle: number,
  ) {
    const info = attError(attCode);
    const requestName = attOpcodeName(requestOpcode);
    super(`ATT ${hex(attCode)} ${info.name} for the ${requestName} on handle ${hex(handle, 4)}: ${info.meaning}`);
    this.name = info.name;
    this.meaning = info.meaning;
    this.requestName = requestName;
  }
  get label(): string {
    return `ATT ${hex(this.attCode)} ${this.name}`;
  }
}

/** Who gave up pairing: this central, or the peripheral. */
export type PairingSide = 'central' | 'peripheral';

/** Pairing ended with Pairing Failed. Core v5.4 Vol 3 Part H 3.5.5. */
export class SmpPairingFailed extends CentralError {
  readonly kind = 'smp';
  readonly code = 'SMP_PAIRING_FAILED';
  override readonly name: string;
  readonly meaning: string;
  constructor(
    readonly reason: number,
    readonly who: PairingSide,
    /** What else was seen, e.g. noble sending Pairing Random where Pairing Failed was meant. */
    readonly note?: string,
  ) {
    const info = smpReason(reason);
    super(`pairing failed: the ${who} sent Pairing Failed ${hex(reason)} ${info.name} (${info.meaning})${note ? `; ${note}` : ''}`);
    this.name = info.name;
    this.meaning = info.meaning;
  }
  get label(): string {
    return `SMP ${hex(this.reason)} ${this.name}`;
  }
}

/** What the HCI status is about. */
export type HciContext = 'connection' | 'disconnection' | 'encryption';

/** The controller reported a status: a failed connection (0x3E), a dropped link (0x08, 0x13), failed encryption (0x06). Vol 1 Part F 1.3. */
export class HciError extends CentralError {
  readonly kind = 'hci';
  readonly code = 'HCI_STATUS';
  override readonly name: string;
  readonly meaning: string;
  constructor(
    /** The HCI status (or the disconnection's reason, a status too). */
    readonly status: number,
    readonly context: HciContext,
    detail?: string,
  ) {
    const info = hciStatus(status);
    const what = context === 'connection' ? 'the connection failed' : context === 'disconnection' ? 'the link was lost' : 'encryption failed';
    super(`${what}: HCI ${hex(status)} ${info.name} (${info.meaning})${detail ? `; ${detail}` : ''}`);
    this.name = info.name;
    this.meaning = info.meaning;
  }
  get label(): string {
    return `HCI ${hex(this.status)} ${this.name}`;
  }
}

/** Nothing answered within the operation's time limit. */
export class OperationTimeout extends CentralError {
  readonly kind = 'timeout';
  readonly code = 'OPERATION_TIMEOUT';
  override readonly name = 'OperationTimeout';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    detail?: string,
  ) {
    super(`no answer to the ${what} within ${timeoutMs} ms${detail ? `; ${detail}` : ''}`);
  }
  get label(): string {
    return `no answer within ${this.timeoutMs} ms`;
  }
}

/** The peer answered with a PDU that does not fit the request (wrong opcode, malformed). */
export class AttProtocolError extends CentralError {
  readonly kind = 'protocol';
  readonly code = 'ATT_PROTOCOL';
  override readonly name = 'AttProtocolError';
  get label(): string {
    return 'malformed or unexpected answer';
  }
}

/** The caller asked for something this link or characteristic cannot do (no CCCD, not connected). */
export class CentralUsageError extends CentralError {
  readonly kind = 'usage';
  readonly code = 'CENTRAL_USAGE';
  override readonly name = 'CentralUsageError';
  get label(): string {
    return this.message;
  }
}

export function isCentralError(e: unknown): e is CentralError {
  return e instanceof CentralError;
}
