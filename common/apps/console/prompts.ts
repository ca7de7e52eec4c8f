// The prompts both consoles use (inquirer's), drawn through the console's screen so events print
// above them, with the two ways a prompt ends early made into values: Ctrl-C (inquirer's
// ExitPromptError) is ConsoleInterrupted, exit 130; an abort (the link was lost, an event asks for
// another menu) is PromptAborted with the reason.
import { escapeField } from '../../base/output/escape.js';
import { AbortPromptError, ExitPromptError } from '@inquirer/core';
import { confirm, input, select } from '@inquirer/prompts';
import type { ConsoleScreen } from './console-screen.js';
import { liveSelect, type LiveList } from './live-select.js';
import { parseValue, VALUE_FORMATS, VALUE_FORMAT_IDS, type ValueFormatId } from './value-format.js';

/** Ctrl-C at a prompt, or SIGINT/SIGTERM: the console closes the link and exits 130. */
export class ConsoleInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'ConsoleInterrupted';
  }
}

/** The prompt was closed by the console itself (link lost, transport gone); `reason` says why. */
export class PromptAborted extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'PromptAborted';
  }
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  disabled?: boolean | string;
}

/** Why an open prompt closed: a question that cannot wait (a pairing's passkey) took the terminal. */
export class UrgentQuestion extends Error {
  constructor() {
    super('a question that cannot wait came first');
    this.name = 'UrgentQuestion';
  }
}

/** Prompts are drawn by inquirer, not through screen.print: names from peers and files are escaped here. */
function safeChoice<C>(c: C): C {
  return c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string' ? { ...c, name: escapeField((c as unknown as { name: string }).name) } : c;
}

export class ConsolePrompts {
  /** The ordinary prompt open now: aborted when an urgent question comes; `closed` settles when it is gone. */
  private current: { controller: AbortController; closed: Promise<unknown> } | undefined;
  /** Urgent questions asked or waiting, and the promise that settles after the last of them. */
  private urgentCount = 0;
  private urgentTail: Promise<void> = Promise.resolve();
  /** How many Ctrl-C an open prompt took (ExitPromptError made into ConsoleInterrupted): keyboard-interrupt.ts counts on it. */
  interruptsTaken = 0;

  constructor(readonly screen: ConsoleScreen) {}

  select<T>(message: string, choices: Choice<T>[], options: { signal?: AbortSignal; default?: T; pageSize?: number } = {}): Promise<T> {
    return this.run(
      (ctx) =>
        select<T>(
          { message: escapeField(message), choices: choices.map(safeChoice), pageSize: options.pageSize ?? 20, loop: false, ...(options.default !== undefined ? { default: options.default } : {}) },
          ctx,
        ),
      options.signal,
    );
  }

  /** `urgent`: a question that cannot wait for the menu (see `urgent()`). */
  input(message: string, options: { signal?: AbortSignal; default?: string; validate?: (v: string) => true | string; urgent?: boolean } = {}): Promise<string> {
    return this.run(
      (ctx) =>
        input(
          { message: escapeField(message), ...(options.default !== undefined ? { default: options.default } : {}), ...(options.validate ? { validate: options.validate } : {}) },
          ctx,
        ),
      options.signal,
      options.urgent,
    );
  }

  confirm(message: string, options: { signal?: AbortSignal; default?: boolean; urgent?: boolean } = {}): Promise<boolean> {
    return this.run((ctx) => confirm({ message: escapeField(message), default: options.default ?? true }, ctx), options.signal, options.urgent);
  }

  live<T>(message: string, list: LiveList<T>, options: { signal?: AbortSignal; empty?: string } = {}): Promise<T> {
    return this.run((ctx) => liveSelect<T>({ message: escapeField(message), list, ...(options.empty ? { empty: options.empty } : {}) }, ctx), options.signal);
  }

  /** A value in a format chosen first; parsed and checked before the answer is accepted. */
  async value(message: string, options: { signal?: AbortSignal; formats?: ValueFormatId[] } = {}): Promise<{ value: Buffer; format: ValueFormatId; note?: string }> {
    const ids = options.formats ?? VALUE_FORMAT_IDS;
    const format = await this.select(
      `${message}: type it as`,
      ids.map((id) => ({ name: `${id.padEnd(10)} ${VALUE_FORMATS[id].label} (e.g. ${VALUE_FORMATS[id].example})`, value: id })),
      options.signal ? { signal: options.signal } : {},
    );
    const text = await this.input(`${message} (${VALUE_FORMATS[format].label})`, {
      ...(options.signal ? { signal: options.signal } : {}),
      validate: (v) => {
        const p = parseValue(v, format);
        return p.ok ? true : p.problem;
      },
    });
    const parsed = parseValue(text, format);
    if (!parsed.ok) throw new Error(`unreachable: ${parsed.problem}`);
    return parsed.note ? { value: parsed.value, format, note: parsed.note } : { value: parsed.value, format };
  }

  /**
   * Ordinary prompts wait while an urgent question is open. An urgent question (the Security Manager
   * asks for a passkey while the user is in a menu) closes the open prompt, whose caller gets
   * PromptAborted with UrgentQuestion and asks again later, then takes the terminal; urgent questions
   * take turns.
   */
  private async run<T>(ask: PromptCall<T>, signal?: AbortSignal, urgent = false): Promise<T> {
    if (urgent) return this.urgent(() => this.open(ask, signal, false));
    while (this.urgentCount > 0) await this.urgentTail;
    return this.open(ask, signal, true);
  }

  private urgent<T>(open: () => Promise<T>): Promise<T> {
    this.urgentCount++;
    const turn = this.urgentTail.then(async () => {
      const ordinary = this.current;
      if (ordinary) {
        ordinary.controller.abort(new UrgentQuestion());
        await ordinary.closed.catch(() => undefined);
      }
      return open();
    });
    this.urgentTail = turn.then(
      () => void this.urgentCount--,
      () => void this.urgentCount--,
    );
    return turn;
  }

  private async open<T>(ask: PromptCall<T>, signal: AbortSignal | undefined, ordinary: boolean): Promise<T> {
    const controller = new AbortController();
    const prompt = ask({ output: this.screen.promptStream(), clearPromptOnDone: false, signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal });
    if (ordinary) this.current = { controller, closed: prompt };
    try {
      return await prompt;
    } catch (e) {
      if (e instanceof ExitPromptError) {
        this.interruptsTaken++;
        throw new ConsoleInterrupted();
      }
      if (e instanceof AbortPromptError) {
        this.screen.eraseLastPrompt();
        throw new PromptAborted(signal?.aborted ? signal.reason : controller.signal.aborted ? controller.signal.reason : e.cause);
      }
      throw e;
    } finally {
      if (this.current?.controller === controller) this.current = undefined;
    }
  }
}

type PromptCall<T> = (ctx: { output: NodeJS.WritableStream; signal: AbortSignal; clearPromptOnDone: boolean }) => Promise<T>;
