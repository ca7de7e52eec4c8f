// Every central operation has a time limit and ends in a value or a typed error: the operation,
// the limit, and the link going away race, and the first to finish decides.
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

export async function deadline<T>(work: Promise<T>, opts: DeadlineOptions): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new OperationTimeout(opts.what, opts.timeoutMs);
      opts.onTimeout?.(e);
      reject(e);
    }, opts.timeoutMs);
  });
  try {
    return await Promise.race(opts.linkLost ? [work, timeout, opts.linkLost] : [work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
