// One indication queue per link: a server has one outstanding indication per bearer (Core v5.4 Vol 3
// Part F 3.4.7.2), so each central confirms its own and a slow one never holds up another.
import { Indications } from './indications.js';

export class IndicationQueues {
  private readonly queues = new Map<number, Indications>();

  constructor(private readonly timeoutMs: number | undefined) {}

  /** The link's queue (made on first use). */
  of(handle: number): Indications {
    let q = this.queues.get(handle);
    if (!q) this.queues.set(handle, (q = new Indications(this.timeoutMs)));
    return q;
  }

  /** The link is gone: what waits on it fails with the reason. */
  linkLost(handle: number, reason: string): void {
    this.queues.get(handle)?.linkLost(reason);
    this.queues.delete(handle);
  }

  /** Every link's waiting indications fail (the peripheral closes). */
  closeAll(reason: string): void {
    for (const q of this.queues.values()) q.linkLost(reason);
    this.queues.clear();
  }
}
