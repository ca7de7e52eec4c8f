// Notifications the central received and no wait-notification step has taken yet, per characteristic.
// A schedule may notify before the step that waits for it starts; nothing is lost in between.
import type { CanonicalUuid } from '../../../stack/gatt/uuid.js';
import { StepTimeout } from './outcome.js';

export class NotificationQueue {
  private readonly queues = new Map<CanonicalUuid, Buffer[]>();
  private readonly waiters = new Set<() => void>();

  push(uuid: CanonicalUuid, value: Buffer): void {
    const q = this.queues.get(uuid) ?? [];
    q.push(Buffer.from(value));
    this.queues.set(uuid, q);
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with `count` notifications of `uuid` (taken from the queue); rejects with a StepTimeout holding what came. */
  take(uuid: CanonicalUuid, count: number, timeoutMs: number, name: string, signal?: AbortSignal): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        done();
        reject(new Error('the scenario ended'));
      };
      const q = () => this.queues.get(uuid) ?? [];
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (q().length < count) return false;
        done();
        resolve(q().splice(0, count));
        return true;
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
      };
      if (check()) return;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(check);
      timer = setTimeout(() => {
        done();
        const got = q().splice(0);
        reject(Object.assign(new StepTimeout(`${count} notification${count === 1 ? '' : 's'} of ${name} (${got.length} came)`, timeoutMs), { received: got }));
      }, timeoutMs);
    });
  }
}
