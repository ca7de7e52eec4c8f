// Every wait has a limit: a promise that settles on an event, or rejects by name on timeout/abort.
// `waitWithin` is the one way to wait with a time limit; waitForEvent, withTimeout, the central's
// deadline (central/deadline.ts) and Tap.waitFor are built on it.
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

export interface WaitLimit extends WaitOptions {
  /** The error when the time runs out (default: TimeoutError naming `what`). Called once, when it happens. */
  timedOut?: () => Error;
  /** The error when the signal aborts (default: AbortedError naming `what`). */
  aborted?: (reason: unknown) => Error;
}

export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The one way to wait with a limit: `begin` starts the wait (and may return its cleanup); the promise
 * ends with the first of `settle`, the time limit, the signal's abort. Cleanup runs once, whichever ends it.
 */
export function waitWithin<T>(limit: WaitLimit, begin: (settle: Settle<T>) => (() => void) | void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: (() => void) | void;
    const end = (finish: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      limit.signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      finish();
    };
    const onAbort = () => end(() => reject(limit.aborted ? limit.aborted(limit.signal?.reason) : new AbortedError(limit.what, limit.signal?.reason)));
    const timer = setTimeout(() => end(() => reject(limit.timedOut ? limit.timedOut() : new TimeoutError(limit.what, limit.timeoutMs))), limit.timeoutMs);
    if (limit.signal?.aborted) return onAbort();
    limit.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = begin({ resolve: (v) => end(() => resolve(v)), reject: (e) => end(() => reject(e)) });
    // `begin` settled at once: its cleanup came back after the end.
    if (done) cleanup?.();
  });
}

/** Resolves with the first emission of `event` whose arguments satisfy `pred`. */
export function waitForEvent<A extends unknown[]>(
  emitter: Pick<EventEmitter, 'on' | 'removeListener'>,
  event: string,
  opts: WaitOptions & { pred?: (...args: A) => boolean; rejectOn?: string[] },
): Promise<A> {
  return waitWithin<A>(opts, ({ resolve, reject }) => {
    const cleanups: Array<() => void> = [];
    const listener = (...args: unknown[]) => {
      if (opts.pred && !opts.pred(...(args as A))) return;
      resolve(args as A);
    };
    emitter.on(event, listener);
    cleanups.push(() => emitter.removeListener(event, listener));
    for (const bad of opts.rejectOn ?? []) {
      const l = (err: unknown) => reject(err instanceof Error ? err : new Error(`${opts.what}: '${bad}' (${String(err)})`));
      emitter.on(bad, l);
      cleanups.push(() => emitter.removeListener(bad, l));
    }
    return () => cleanups.forEach((c) => c());
  });
}

/** Races a promise against a time limit (and `alsoEndsOn`, a promise that only ever rejects: a link lost). */
export function withTimeout<T>(p: Promise<T>, opts: WaitLimit & { alsoEndsOn?: Promise<never> }): Promise<T> {
  return waitWithin<T>(opts, ({ resolve, reject }) => {
    p.then(resolve, reject);
    opts.alsoEndsOn?.catch(reject);
  });
}
