// What the OS says when a GATT operation fails, and when that text names the ATT code.
//
// CoreBluetooth reports an ATT Error Response as an NSError in CBATTErrorDomain whose code is the ATT
// error code itself (CBATTError: CBATTErrorInsufficientAuthentication = 0x05, ...), with a fixed English
// localizedDescription per code. A binding that forwards only the text still carries the code when the
// text is one of these, one to one. Any other text (CBErrorDomain's "The connection has timed out
// unexpectedly.", a WinRT status name, "connection failed") does not: the ATT code stays unknown and is
// never guessed. Vol 3 Part F 3.4.1.1 for the codes.
import { ATT_ERROR } from '../../common/base/codes/att.js';

/** CoreBluetooth's localizedDescription of each CBATTError, lower case without the final period. */
export const COREBLUETOOTH_ATT_TEXT: ReadonlyMap<string, number> = new Map([
  ['the handle is invalid', ATT_ERROR.INVALID_HANDLE],
  ['reading is not permitted', ATT_ERROR.READ_NOT_PERMITTED],
  ['writing is not permitted', ATT_ERROR.WRITE_NOT_PERMITTED],
  ['the command is invalid', ATT_ERROR.INVALID_PDU],
  ['authentication is insufficient', ATT_ERROR.INSUFFICIENT_AUTHENTICATION],
  ['the request is not supported', ATT_ERROR.REQUEST_NOT_SUPPORTED],
  ['the offset is invalid', ATT_ERROR.INVALID_OFFSET],
  ['authorization is insufficient', ATT_ERROR.INSUFFICIENT_AUTHORIZATION],
  ['the prepare queue is full', ATT_ERROR.PREPARE_QUEUE_FULL],
  ['the attribute could not be found', ATT_ERROR.ATTRIBUTE_NOT_FOUND],
  ['the attribute is not long', ATT_ERROR.ATTRIBUTE_NOT_LONG],
  ['the encryption key size is insufficient', ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT],
  ["the value's length is invalid", ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH],
  ['unlikely error', ATT_ERROR.UNLIKELY_ERROR],
  ['encryption is insufficient', ATT_ERROR.INSUFFICIENT_ENCRYPTION],
  ['the group type is not supported', ATT_ERROR.UNSUPPORTED_GROUP_TYPE],
  ['resources are insufficient', ATT_ERROR.INSUFFICIENT_RESOURCES],
]);

/** NSError's own description: `Error Domain=CBATTErrorDomain Code=5 "Authentication is insufficient."`. */
const CBATT_DOMAIN_CODE = /\bCBATTErrorDomain\s+Code=(\d+)\b/;

/** How the ATT code was learned from the OS's words. */
export type ApiCodeSource = 'corebluetooth-text' | 'corebluetooth-domain-code';

export interface ApiErrorReading {
  /** What the OS said, as it said it (undefined: it said nothing, only that the operation failed). */
  text?: string;
  /** The ATT code, only when the text names it one to one. */
  attCode?: number;
  codeSource?: ApiCodeSource;
}

const normalise = (t: string) => t.trim().replace(/\.$/, '').replace(/[\u2018\u2019]/g, "'").toLowerCase();

/** The text of whatever a binding passed as its error argument (string, Error, NSError-like object). */
export function apiErrorText(error: unknown): string | undefined {
  if (error === null || error === undefined || error === false) return undefined;
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object') {
    const o = error as { localizedDescription?: unknown; message?: unknown; description?: unknown };
    for (const v of [o.localizedDescription, o.message, o.description]) if (typeof v === 'string') return v;
  }
  return String(error);
}

/** Reads an error the OS reported: the ATT code only when its words carry it one to one. */
export function readApiError(error: unknown): ApiErrorReading {
  const text = apiErrorText(error);
  if (text === undefined || text.trim() === '') return {};
  const domain = CBATT_DOMAIN_CODE.exec(text);
  if (domain) return { text, attCode: Number(domain[1]), codeSource: 'corebluetooth-domain-code' };
  // The description alone, or the quoted description inside NSError's own rendering.
  const quoted = /"([^"]+)"/.exec(text)?.[1];
  for (const candidate of [text, quoted]) {
    const code = candidate === undefined ? undefined : COREBLUETOOTH_ATT_TEXT.get(normalise(candidate));
    if (code !== undefined) return { text, attCode: code, codeSource: 'corebluetooth-text' };
  }
  return { text };
}
