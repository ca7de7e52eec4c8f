// Observation with a deadline: re-checks a condition on each turn of the event loop (I/O included)
// until it holds, or fails by name. For states no event announces (a file's contents, a store).
// After the first turns it re-checks each millisecond or two instead of spinning: a spin keeps a core
// busy the whole wait, taken from the process it waits on (2 cores run the suite's workers and children).
import { TimeoutError } from '../../common/base/util/wait.js';

/** Turns checked back to back before re-checking on a 1 ms timer. */
const SPIN_TURNS = 20;

export async function until<T>(get: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let turn = 0; ; turn++) {
    const v = await get();
    if (v !== undefined && v !== false) return v as T;
    if (performance.now() > deadline) throw new TimeoutError(what, timeoutMs);
    await new Promise<void>((r) => (turn < SPIN_TURNS ? setImmediate(r) : setTimeout(r, 1)));
  }
}
