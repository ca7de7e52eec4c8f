// Observation with a deadline: re-checks a condition on each turn of the event loop (I/O included)
// until it holds, or fails by name. For states no event announces (a file's contents, a store).
import { TimeoutError } from '../../common/util/wait.js';

export async function until<T>(get: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v as T;
    if (performance.now() > deadline) throw new TimeoutError(what, timeoutMs);
    await new Promise<void>((r) => setImmediate(r));
  }
}
