// A failure the OS stack reported through noble's platform bindings (transport `os`): a fact from the
// API, not from the air. The ATT code is given only when the OS's words carry it one to one
// (corebluetooth-att-errors.ts); otherwise it is unknown and said so, never guessed.
import { attError } from '../../common/base/codes/att.js';
import { hex } from '../../common/base/codes/code-table.js';
import { CentralError } from '../errors.js';
import { apiErrorText, readApiError, type ApiCodeSource, type ApiErrorReading } from './corebluetooth-att-errors.js';

/** What failed, in the API's terms. */
export type ApiOperation = 'connect' | 'read' | 'write' | 'subscribe' | 'unsubscribe' | 'discover' | 'link';

export const ATT_CODE_UNKNOWN = 'the OS does not say why; ATT code unknown';
/** For a connection or a link: what is unknown then is the HCI status (Vol 1 Part F). */
export const HCI_STATUS_UNKNOWN = 'the OS does not say why; HCI status unknown';

/** Operations whose failure an ATT Error Response would explain (the others are about the link). */
const isGatt = (op: ApiOperation) => op !== 'connect' && op !== 'link';

export class OsApiError extends CentralError {
  readonly kind = 'api';
  readonly code = 'OS_API_FAILED';
  override readonly name = 'OsApiError';
  /** The ATT code, only when the OS's text names it (codeSource says how). */
  readonly attCode: number | undefined;
  readonly codeSource: ApiCodeSource | undefined;
  /** The OS's own words, when it gave any. */
  readonly apiText: string | undefined;
  private readonly unknownWhat: string;

  constructor(
    readonly operation: ApiOperation,
    /** What was asked: "read of 2a37". */
    readonly what: string,
    /** The binding's error argument (string, Error, NSError-like), or undefined when it gave none. */
    error?: unknown,
    /** What the API did show instead of an error (e.g. "notifications stayed off"). */
    readonly sign?: string,
  ) {
    const text = apiErrorText(error);
    const r: ApiErrorReading = isGatt(operation) ? readApiError(error) : text === undefined ? {} : { text };
    const unknown = isGatt(operation) ? 'ATT code unknown' : 'HCI status unknown';
    const why = r.attCode !== undefined
      ? `ATT ${hex(r.attCode)} ${attError(r.attCode).name} (from the OS's error text "${r.text}", not from the air)`
      : r.text !== undefined
        ? `the OS said "${r.text}"; ${unknown}`
        : isGatt(operation)
          ? ATT_CODE_UNKNOWN
          : HCI_STATUS_UNKNOWN;
    super(`${what} failed${sign ? ` (${sign})` : ''}: ${why}`);
    this.attCode = r.attCode;
    this.codeSource = r.codeSource;
    this.apiText = r.text;
    this.unknownWhat = unknown;
  }

  /** "ATT 0x05 Insufficient Authentication (API text)" or "failed (the OS does not say why; ATT code unknown)". */
  get label(): string {
    if (this.attCode !== undefined) return `ATT ${hex(this.attCode)} ${attError(this.attCode).name} (API text)`;
    return this.apiText !== undefined ? `failed ("${this.apiText}"; ${this.unknownWhat})` : `failed (the OS does not say why; ${this.unknownWhat})`;
  }
}

export function isOsApiError(e: unknown): e is OsApiError {
  return e instanceof OsApiError;
}
