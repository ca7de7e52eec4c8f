// noble's and bleno's Hci poll isDevUp() every second: each poll re-arms a 1 s timer
// (`setTimeout(this.pollIsDevUp.bind(this), 1000)`) and keeps no handle on it. Replacing the method
// with a no-op at close stopped the loop but left the last timer pending: a finished process lived
// up to a second more (bin/blebench.js's EXIT_GRACE_MS cut it at 250 ms), every central and every
// peripheral run. The loaders wrap the poll with this: it still runs every second while the stack is
// open, the timer each poll arms is kept, and stop() clears it, so nothing of the stack is left
// pending and the process ends as soon as its own work is done.

/** The one method of either stack's Hci this touches. */
export interface PollingHci {
  pollIsDevUp: () => void;
}

export interface AdapterPoll {
  /** No more polls; the pending one is cleared. */
  stop(): void;
  /** Whether the stack's next poll is armed and known here (the pins check that the capture still works). */
  readonly armed: boolean;
}

/**
 * Wraps `hci.pollIsDevUp` (before the stack's init first calls it). While the stack's own poll runs
 * (synchronously), the timer it arms for its next poll, the one whose callback is the bound poll,
 * is remembered; every other timer goes on untouched.
 */
export function stoppableAdapterPoll(hci: PollingHci): AdapterPoll {
  const own = hci.pollIsDevUp;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  hci.pollIsDevUp = function pollIsDevUp(this: PollingHci) {
    if (stopped) return;
    const arm = globalThis.setTimeout;
    // `bound pollIsDevUp`: the stack's `this.pollIsDevUp.bind(this)`, i.e. this very function, bound.
    const capture = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const t = arm(fn, ms, ...args);
      if (fn.name === `bound ${pollIsDevUp.name}`) pending = t;
      return t;
    }) as typeof setTimeout;
    globalThis.setTimeout = capture;
    pending = undefined;
    try {
      own.call(this);
    } finally {
      globalThis.setTimeout = arm;
    }
  };
  return {
    get armed() {
      return pending !== undefined && pending.hasRef();
    },
    stop() {
      stopped = true;
      hci.pollIsDevUp = () => {};
      if (pending) clearTimeout(pending);
      pending = undefined;
    },
  };
}
