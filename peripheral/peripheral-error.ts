// The peripheral role's own errors: a misuse of its API (an unknown characteristic, an operation it
// lacks), or bleno unable to start advertising. Codes, meanings and exit codes: common/base/errors/error-codes.ts.
import { BlebenchError } from '../common/base/errors/blebench-error.js';

export type PeripheralErrorCode = 'PERIPHERAL_USAGE' | 'ADVERTISING_FAILED';

export class PeripheralError extends BlebenchError {
  readonly code: PeripheralErrorCode;
  constructor(message: string, code: PeripheralErrorCode = 'PERIPHERAL_USAGE', options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.code = code;
  }
}
