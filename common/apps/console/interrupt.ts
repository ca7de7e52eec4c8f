// Work that gives way to Ctrl-C: a console's operation (a read, a pairing, a scan) is raced against
// the interrupt signal, so SIGINT/SIGTERM never waits for an operation's own time limit.
import { ConsoleInterrupted } from './prompts.js';

export function untilInterrupted<T>(work: Promise<T>, interrupt: AbortSignal): Promise<T> {
  if (interrupt.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new ConsoleInterrupted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(new ConsoleInterrupted());
    };
    interrupt.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        interrupt.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        interrupt.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
