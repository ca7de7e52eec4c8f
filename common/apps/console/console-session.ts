// What both consoles share: the prompts and the Security Manager's questions on one screen, the
// transport they run on (opened, watched, closed), the run loop with its "the transport is gone:
// reopen or quit" menu, prompts that end early when the transport (or a link) goes or on Ctrl-C,
// and the exit codes: 0 quit, 3 quit with the transport gone, 130 interrupted.
import { EXIT, type ExitCode } from '../../base/errors/blebench-error.js';
import type { HciTransport } from '../../stack/hci/transport.js';
import type { TransportError } from '../../stack/hci/transport-errors.js';
import type { SmpSetup } from '../../stack/smp/link-session.js';
import type { ConsoleScreen } from './console-screen.js';
import { untilInterrupted } from './interrupt.js';
import { KeyboardInterrupt } from './keyboard-interrupt.js';
import { consoleSecurity } from './pairing-delegate.js';
import { ConsoleInterrupted, ConsolePrompts, PromptAborted } from './prompts.js';

export interface ConsoleSessionOptions {
  /** Opens the transport (again, after it was lost). */
  open: () => Promise<HciTransport>;
  screen: ConsoleScreen;
  /** Aborted on SIGINT/SIGTERM (Ctrl-C outside a prompt). */
  interrupt: AbortSignal;
  /** blebench's Security Manager for this role (pairing flags, --keys); the stack's SMP otherwise. */
  smp?: SmpSetup;
}

/** What one console does inside the session's loop. */
export interface ConsoleRole {
  /** Opens the transport (session.openTransport) and the role on it. */
  start(): Promise<void>;
  /** One turn while the transport is up: 'quit' ends the console with 0. */
  step(): Promise<'quit' | 'again'>;
  /** Closes the role and the transport (session.closeTransport); never throws. */
  stop(): Promise<void>;
  /** The transport went (after the line saying so, before the open prompt closes). */
  transportLost?(error: TransportError): void;
  /** The words of the console: the reopen choice, what failed when reopening, the line on Ctrl-C. */
  readonly words: { reopen: string; reopenFailed: string; interrupted: string };
}

/** "quit" from a menu deep in a step. */
export class ConsoleQuit extends Error {}

export class ConsoleSession {
  readonly ask: ConsolePrompts;
  /** Ctrl-C anywhere, or at a pairing question (inside the Security Manager's delegate). */
  readonly interrupt: AbortSignal;
  /** The Security Manager setup with this console's delegate: `ask` questions are asked here. */
  readonly smp: SmpSetup | undefined;
  private current: HciTransport | undefined;
  private lost: TransportError | undefined;
  /** Aborted when the transport (or a link, endPrompts) goes: the open prompt closes and the loop goes on. */
  private gone = new AbortController();
  /** Ctrl-C read by a prompt already settled (keyboard-interrupt.ts). */
  private readonly keyboard: KeyboardInterrupt;

  constructor(private readonly o: ConsoleSessionOptions, private readonly role: ConsoleRole) {
    this.ask = new ConsolePrompts(o.screen);
    // The prompts read process.stdin (inquirer's default): a Ctrl-C read there that no prompt took ends the console too.
    this.keyboard = new KeyboardInterrupt(process.stdin, () => this.ask.interruptsTaken);
    const interrupt = AbortSignal.any([o.interrupt, this.keyboard.signal]);
    ({ interrupt: this.interrupt, smp: this.smp } = consoleSecurity({ smp: o.smp, interrupt, prompts: this.ask, print: (t) => this.print(t) }));
  }

  /** The transport open now (undefined between a close and the next open). */
  get transport(): HciTransport | undefined {
    return this.current;
  }

  /** The error the transport went away with, until it is opened again. */
  get transportLost(): TransportError | undefined {
    return this.lost;
  }

  async run(): Promise<ExitCode> {
    this.keyboard.listen();
    try {
      await this.role.start();
      for (;;) {
        if (this.lost) {
          const next = await this.prompt((signal) =>
            this.ask.select('the transport is gone: what now?', [
              { name: this.role.words.reopen, value: 'reopen' as const },
              { name: 'quit', value: 'quit' as const },
            ], { signal }),
          );
          if (next === 'quit') return EXIT.TRANSPORT_UNAVAILABLE;
          if (next === 'reopen') await this.reopen();
          continue;
        }
        if ((await this.role.step()) === 'quit') return EXIT.OK;
      }
    } catch (e) {
      if (e instanceof ConsoleQuit) return EXIT.OK;
      if (e instanceof ConsoleInterrupted || this.interrupt.aborted) {
        this.print(this.role.words.interrupted);
        return EXIT.INTERRUPTED;
      }
      throw e;
    } finally {
      this.keyboard.stop();
      await this.role.stop();
    }
  }

  /** Opens the transport and watches it: when it goes, the console says so and the open prompt closes. */
  async openTransport(): Promise<HciTransport> {
    const transport = await this.op(this.o.open());
    this.current = transport;
    this.lost = undefined;
    transport.once('close', (err) => {
      if (!err || transport !== this.current) return;
      this.lost = err;
      this.print(`✗ the transport is gone: ${err.message}${err.hint ? `\n  what to do: ${err.hint}` : ''}`);
      this.role.transportLost?.(err);
      this.endPrompts(err);
    });
    return transport;
  }

  async closeTransport(): Promise<void> {
    const transport = this.current;
    this.current = undefined;
    await transport?.close().catch(() => undefined);
  }

  /** Closes the prompt open now (the link it was about went); the next prompts get a fresh signal. */
  endPrompts(reason: unknown): void {
    const gone = this.gone;
    this.gone = new AbortController();
    gone.abort(reason);
  }

  /** A prompt that ends early when the transport or link goes (undefined) or on Ctrl-C/SIGTERM (ConsoleInterrupted). */
  async prompt<T>(ask: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const signal = AbortSignal.any([this.interrupt, this.gone.signal]);
    try {
      return await ask(signal);
    } catch (e) {
      if (e instanceof PromptAborted) {
        if (this.interrupt.aborted) throw new ConsoleInterrupted();
        return undefined;
      }
      throw e;
    }
  }

  /** A prompt that must be answered: ending early is the end of the console. */
  async mustPrompt<T>(ask: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const v = await this.prompt(ask);
    if (v === undefined) throw new ConsoleInterrupted();
    return v;
  }

  /** An operation that gives way to Ctrl-C. */
  op<T>(work: Promise<T>): Promise<T> {
    return untilInterrupted(work, this.interrupt);
  }

  print(text: string): void {
    this.o.screen.print(text);
  }

  private async reopen(): Promise<void> {
    await this.role.stop();
    try {
      await this.role.start();
    } catch (e) {
      if (e instanceof ConsoleInterrupted) throw e;
      this.print(`✗ ${this.role.words.reopenFailed}: ${(e as Error).message}`);
      this.lost ??= e as TransportError;
    }
  }
}
