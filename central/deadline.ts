// Every central operation has a time limit and ends in a value or a typed error: the operation,
// the limit, and the link going away race, and the first to finish decides (common/base/util/wait.ts's one
// way to wait, with the central's OperationTimeout as the error).
import { withTimeout } from '../common/base/util/wait.js';
import { OperationTimeout } from './errors.js';

export interface DeadlineOptions {
  /** Words for the error: "Read Request for Encrypted Read". */
  what: string;
  timeoutMs: number;
  /** Rejects when the link is gone (with the disconnection's HciError). */
  linkLost?: Promise<never>;
  /** Called when the time ran out, before the OperationTimeout is thrown (to abandon the bearer). */
  onTimeout?: (e: OperationTimeout) => void;
}

export function deadline<T>(work: Promise<T>, opts: DeadlineOptions): Promise<T> {
  const timedOut = () => {
    const e = new OperationTimeout(opts.what, opts.timeoutMs);
    opts.onTimeout?.(e);
    return e;
  };
  return withTimeout(work, { what: opts.what, timeoutMs: opts.timeoutMs, timedOut, ...(opts.linkLost ? { alsoEndsOn: opts.linkLost } : {}) });
}
