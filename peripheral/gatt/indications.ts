// Indications one at a time, each waiting for its Handle Value Confirmation: a server sends no
// further indication before the confirmation, and gives up after the ATT transaction timeout.
// Core v5.4 Vol 3 Part F 3.4.7.2, 3.3.3.
import { ATT_TRANSACTION_TIMEOUT_MS } from '../../common/base/codes/att.js';

export type IndicationResult = { readonly confirmed: true; readonly ms: number } | { readonly confirmed: false; readonly reason: string };

interface Pending {
  readonly send: () => boolean;
  readonly resolve: (r: IndicationResult) => void;
}

export class Indications {
  private readonly queue: Pending[] = [];
  private inFlight: { resolve: (r: IndicationResult) => void; timer: NodeJS.Timeout; sentAt: number } | undefined;

  constructor(private readonly timeoutMs: number = ATT_TRANSACTION_TIMEOUT_MS) {}

  /** Queue one indication; `send` puts the PDU on the link (false: no link). */
  indicate(send: () => boolean): Promise<IndicationResult> {
    return new Promise((resolve) => {
      this.queue.push({ send, resolve });
      this.next();
    });
  }

  /** A Handle Value Confirmation arrived. Returns false when no indication was waiting for one. */
  confirm(): boolean {
    const f = this.inFlight;
    if (!f) return false;
    this.finish({ confirmed: true, ms: performance.now() - f.sentAt });
    return true;
  }

  /** The link went away: everything waiting fails with the reason. */
  linkLost(reason: string): void {
    for (const p of this.queue.splice(0)) p.resolve({ confirmed: false, reason });
    if (this.inFlight) this.finish({ confirmed: false, reason });
  }

  private finish(r: IndicationResult): void {
    const f = this.inFlight!;
    clearTimeout(f.timer);
    this.inFlight = undefined;
    f.resolve(r);
    this.next();
  }

  private next(): void {
    while (!this.inFlight && this.queue.length) {
      const p = this.queue.shift()!;
      if (!p.send()) {
        p.resolve({ confirmed: false, reason: 'no central is connected' });
        continue;
      }
      const timer = setTimeout(() => this.finish({ confirmed: false, reason: `no Handle Value Confirmation within ${this.timeoutMs} ms` }), this.timeoutMs);
      timer.unref();
      this.inFlight = { resolve: p.resolve, timer, sentAt: performance.now() };
    }
  }
}
