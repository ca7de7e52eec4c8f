// Every wait has a limit: a promise that settles on an event, or rejects by name on timeout/abort.
import type { EventEmitter } from 'node:events';
import { BlebenchError } from '../errors/blebench-error.js';

export class TimeoutError extends BlebenchError {
  readonly code = 'TIMEOUT';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'TimeoutError';
  }
}

export class AbortedError extends BlebenchError {
  readonly code = 'ABORTED';
  constructor(readonly what: string, reason?: unknown) {
    super(`aborted while waiting for ${what}${reason instanceof Error ? `: ${reason.message}` : ''}`);
    this.name = 'AbortedError';
  }
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Words for the error message: "noble poweredOn". */
  what: string;
}

/** Resolves with the first emission of `event` whose arguments satisfy `pred`. */
export function waitForEvent<A extends unknown[]>(
  emitter: Pick<EventEmitter, 'on' | 'removeListener'>,
  event: string,
  opts: WaitOptions & { pred?: (...args: A) => boolean; rejectOn?: string[] },
): Promise<A> {
  return new Promise<A>((resolve, reject) => {
    const cleanups: Array<() => void> = [];
    const done = () => cleanups.forEach((c) => c());
    const listener = (...args: unknown[]) => {
      if (opts.pred && !opts.pred(...(args as A))) return;
      done();
      resolve(args as A);
    };
    emitter.on(event, listener);
    cleanups.push(() => emitter.removeListener(event, listener));
    for (const bad of opts.rejectOn ?? []) {
      const l = (err: unknown) => {
        done();
        reject(err instanceof Error ? err : new Error(`${opts.what}: '${bad}' (${String(err)})`));
      };
      emitter.on(bad, l);
      cleanups.push(() => emitter.removeListener(bad, l));
    }
    const timer = setTimeout(() => {
      done();
      reject(new TimeoutError(opts.what, opts.timeoutMs));
    }, opts.timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    if (opts.signal) {
      const onAbort = () => {
        done();
        reject(new AbortedError(opts.what, opts.signal?.reason));
      };
      if (opts.signal.aborted) return onAbort();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => opts.signal?.removeEventListener('abort', onAbort));
    }
  });
}

/** Races a promise against a time limit. */
export async function withTimeout<T>(p: Promise<T>, opts: WaitOptions): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(opts.what, opts.timeoutMs)), opts.timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
