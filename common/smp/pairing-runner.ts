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
          this.timer = setTimeout(() => this.input({ type: 'timeout' }), this.options.timeoutMs ?? SMP_TIMEOUT_MS);
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
        const w = this.waiters.shift();
        if (w) {
          this.claimed++;
          w(action.outcome);
        }
        return;
      }
    }
  }

  private info(): PromptInfo {
    const e = this.options.engine;
    return { role: e.role, peerAddress: e.peer.address, secureConnections: !!e.negotiated?.secureConnections };
  }

  private prompt(prompt: Extract<SmpAction, { type: 'prompt' }>['prompt']): void {
    const d = this.options.delegate;
    const info = this.info();
    switch (prompt.kind) {
      case 'display-passkey':
        void Promise.resolve(d?.displayPasskey(prompt.passkey, info)).catch(() => {});
        return;
      case 'enter-passkey':
        if (!d) return this.input({ type: 'passkey', passkey: null });
        d.enterPasskey(info).then(
          (passkey) => this.input({ type: 'passkey', passkey }),
          () => this.input({ type: 'passkey', passkey: null }),
        );
        return;
      case 'compare-numbers':
        if (!d) return this.input({ type: 'confirm', accept: false });
        d.compareNumbers(prompt.value, info).then(
          (accept) => this.input({ type: 'confirm', accept }),
          () => this.input({ type: 'confirm', accept: false }),
        );
        return;
    }
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
