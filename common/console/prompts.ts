// The prompts both consoles use (inquirer's), drawn through the console's screen so events print
// above them, with the two ways a prompt ends early made into values: Ctrl-C (inquirer's
// ExitPromptError) is ConsoleInterrupted, exit 130; an abort (the link was lost, an event asks for
// another menu) is PromptAborted with the reason.
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

export class ConsolePrompts {
  constructor(readonly screen: ConsoleScreen) {}

  select<T>(message: string, choices: Choice<T>[], options: { signal?: AbortSignal; default?: T; pageSize?: number } = {}): Promise<T> {
    return this.run(
      (ctx) =>
        select<T>(
          { message, choices, pageSize: options.pageSize ?? 20, loop: false, ...(options.default !== undefined ? { default: options.default } : {}) },
          ctx,
        ),
      options.signal,
    );
  }

  input(message: string, options: { signal?: AbortSignal; default?: string; validate?: (v: string) => true | string } = {}): Promise<string> {
    return this.run(
      (ctx) =>
        input(
          { message, ...(options.default !== undefined ? { default: options.default } : {}), ...(options.validate ? { validate: options.validate } : {}) },
          ctx,
        ),
      options.signal,
    );
  }

  confirm(message: string, options: { signal?: AbortSignal; default?: boolean } = {}): Promise<boolean> {
    return this.run((ctx) => confirm({ message, default: options.default ?? true }, ctx), options.signal);
  }

  live<T>(message: string, list: LiveList<T>, options: { signal?: AbortSignal; empty?: string } = {}): Promise<T> {
    return this.run((ctx) => liveSelect<T>({ message, list, ...(options.empty ? { empty: options.empty } : {}) }, ctx), options.signal);
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

  private async run<T>(ask: (ctx: { output: NodeJS.WritableStream; signal?: AbortSignal; clearPromptOnDone: boolean }) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await ask({ output: this.screen.promptStream(), clearPromptOnDone: false, ...(signal ? { signal } : {}) });
    } catch (e) {
      if (e instanceof ExitPromptError) throw new ConsoleInterrupted();
      if (e instanceof AbortPromptError) {
        this.screen.eraseLastPrompt();
        throw new PromptAborted(signal?.reason ?? e.cause);
      }
      throw e;
    }
  }
}
