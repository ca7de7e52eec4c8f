// Answers the peripheral holds back (PeripheralServer.delayAnswers): each request's answer waits its
// delay, and answers leave in the order the requests came. ATT allows one request outstanding at a
// time (Core v5.4 Vol 3 Part F 3.3.2): a request that arrives while an answer is held (a client
// breaking that rule) is decided when it arrives, and its answer waits behind the held one, so the
// answers never overtake each other. Everything held is dropped, never sent, when the link goes.
import { performance } from 'node:perf_hooks';

interface Held {
  readonly pdus: readonly Buffer[];
  readonly due: number;
}

export class HeldAnswers {
  private queue: Held[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `send` puts one ATT PDU on the current link; false when there is none. */
  constructor(private readonly send: (pdu: Buffer) => boolean) {}

  /** Whether an answer is held now (a later request's answer must wait behind it). */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Hold these PDUs (one request's answer) for `delayMs`, and behind every answer held before. */
  hold(pdus: readonly Buffer[], delayMs: number): void {
    this.queue.push({ pdus, due: performance.now() + delayMs });
    if (this.queue.length === 1) this.arm();
  }

  /** Forget everything held (the link is gone, or the peripheral closes): nothing of it is sent. Returns how many answers were dropped. */
  drop(): number {
    clearTimeout(this.timer);
    this.timer = undefined;
    const n = this.queue.length;
    this.queue = [];
    return n;
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => this.release(), Math.max(0, head.due - performance.now()));
  }

  /** Send every answer whose time has come, in order, then wait for the next one. */
  private release(): void {
    this.timer = undefined;
    while (this.queue.length && this.queue[0]!.due <= performance.now()) {
      const head = this.queue.shift()!;
      for (const pdu of head.pdus) {
        if (!this.send(pdu)) {
          this.drop();
          return;
        }
      }
    }
    this.arm();
  }
}
