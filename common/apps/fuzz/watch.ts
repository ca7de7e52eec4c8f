// One wait for several things at once: re-check a condition whenever any of the given emitters
// fires, until it gives an answer or the time limit passes (then: undefined). No polling, no sleeps.
import type { EventEmitter } from 'node:events';

export type Watched = readonly [Pick<EventEmitter, 'on' | 'removeListener'>, string];

export function watchUntil<T>(sources: readonly Watched[], check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve) => {
    const onEvent = () => {
      const v = check();
      if (v !== undefined) finish(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (v: T | undefined) => {
      clearTimeout(timer);
      for (const [e, name] of sources) e.removeListener(name, onEvent);
      resolve(v);
    };
    for (const [e, name] of sources) e.on(name, onEvent);
  });
}
