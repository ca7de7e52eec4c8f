// Drives one PairingEngine: carries out its actions over a link (send a PDU, start encryption, answer
// the LTK request), runs the 30-second SMP timer (Vol 3 Part H 3.4), and asks the delegate what the
// engine prompts for. The engine stays pure; this is the only place with timers and promises.
import type { LongTermKey, PairingOutcome, SmpAction, SmpInput } from './engine-types.js';
import { SMP_TIMEOUT_MS, type PairingEngine } from './pairing-engine.js';
import type { PairingDelegate, PromptInfo } from './pairing-config.js';

/** What the runner needs from the connection (the loaders implement this over noble's/bleno's ACL stream). */
export interface SmpLink {
  /** One SMP PDU to the peer (L2CAP CID 0x0006). */
  sendPdu(pdu: Buffer): void;
  /** Central: LE Enable Encryption (HCI 0x2019) with this key. */
  startEncryption?(ltk: LongTermKey): void;
  /** Peripheral: the key the central is about to encrypt with (load it where the kernel answers LTK requests). */
  ltkReady?(ltk: LongTermKey): void;
  /** Peripheral: LE Long Term Key Request Reply (key) or Negative Reply (undefined). */
  ltkReply?(ltk: LongTermKey | undefined): void;
}

export interface SmpRunnerOptions {
  engine: PairingEngine;
  link: SmpLink;
  delegate?: PairingDelegate;
  /** Default 30000 (the spec's); tests shorten it. */
  timeoutMs?: number;
  /** Sees every action (logs, the timeline). */
  observe?: (action: SmpAction) => void;
}

export class SmpRunner {
  readonly outcomes: PairingOutcome[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: ((o: PairingOutcome) => void)[] = [];
  private closed = false;
  /** One per question the delegate is answering now; aborted when the answer is no longer wanted. */
  private readonly open = new Set<AbortController>();

  constructor(private readonly options: SmpRunnerOptions) {}

  get engine(): PairingEngine {
    return this.options.engine;
  }

  /** Feed one input to the engine and carry out what it answers. */
  input(input: SmpInput): void {
    if (this.closed) return;
    for (const action of this.options.engine.handle(input)) this.perform(action);
  }

  /** The next outcome nobody has asked for yet (it may have come already). */
  nextOutcome(): Promise<PairingOutcome> {
    if (this.claimed < this.outcomes.length) return Promise.resolve(this.outcomes[this.claimed++]!);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  private claimed = 0;

  /** The link is gone: no more timers or actions. */
  close(): void {
    this.closed = true;
    this.stopTimer();
    this.closePrompts('the link is gone');
  }

  private closePrompts(why: string): void {
    for (const c of this.open) c.abort(new Error(why));
    this.open.clear();
  }

  private perform(action: SmpAction): void {
    this.options.observe?.(action);
    const { link } = this.options;
    switch (action.type) {
      case 'send':
        return link.sendPdu(action.pdu);
      case 'timer':
        this.stopTimer();
        if (action.run) {
          const afterMs = this.options.timeoutMs ?? SMP_TIMEOUT_MS;
          this.timer = setTimeout(() => this.input({ type: 'timeout', afterMs }), afterMs);
          this.timer.unref?.();
        }
        return;
      case 'encrypt':
        return link.startEncryption?.(action.ltk);
      case 'ltk-ready':
        return link.ltkReady?.(action.ltk);
      case 'ltk-reply':
        return link.ltkReply?.(action.ltk);
      case 'prompt':
        return this.prompt(action.prompt);
      case 'event':
        return;
      case 'done': {
        this.outcomes.push(action.outcome);
        const o = action.outcome;
        this.closePrompts(o.result === 'failed' ? `the pairing ended: ${o.why}` : 'the pairing ended');
        const w = this.waiters.shift();
        if (w) {
          this.claimed++;
          w(action.outcome);
        }
        return;
      }
    }
  }

  /** What the delegate is told with a question; `signal` ends it when the pairing or the link ends first. */
  private info(): { info: PromptInfo; answered: (input?: SmpInput) => void } {
    const e = this.options.engine;
    const controller = new AbortController();
    this.open.add(controller);
    return {
      info: { role: e.role, peerAddress: e.peer.address, secureConnections: !!e.negotiated?.secureConnections, signal: controller.signal },
      answered: (input) => {
        this.open.delete(controller);
        // An answer after the pairing ended (or the link went) is dropped: nobody asks any more.
        if (input && !controller.signal.aborted) this.input(input);
      },
    };
  }

  /**
   * Asks the delegate. A question nobody answers is ended by the SMP timer, which keeps running from
   * the last command sent (Vol 3 Part H 3.4): the pairing fails with 'timeout' and the question closes.
   * A delegate that throws is taken as a cancel (Passkey Entry Failed / Numeric Comparison Failed).
   */
  private prompt(prompt: Extract<SmpAction, { type: 'prompt' }>['prompt']): void {
    const d = this.options.delegate;
    switch (prompt.kind) {
      case 'display-passkey': {
        const { info, answered } = this.info();
        void Promise.resolve()
          .then(() => d?.displayPasskey(prompt.passkey, info))
          .catch(() => {})
          .finally(() => answered());
        return;
      }
      case 'enter-passkey': {
        if (!d) return this.input({ type: 'passkey', passkey: null });
        const { info, answered } = this.info();
        Promise.resolve()
          .then(() => d.enterPasskey(info))
          .then(
            (passkey) => answered({ type: 'passkey', passkey }),
            () => answered({ type: 'passkey', passkey: null }),
          );
        return;
      }
      case 'compare-numbers': {
        if (!d) return this.input({ type: 'confirm', accept: false });
        const { info, answered } = this.info();
        Promise.resolve()
          .then(() => d.compareNumbers(prompt.value, info))
          .then(
            (accept) => answered({ type: 'confirm', accept }),
            () => answered({ type: 'confirm', accept: false }),
          );
        return;
      }
    }
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
