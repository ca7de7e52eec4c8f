// Ctrl-C that no prompt took. While a prompt is open the terminal is in raw mode, so Ctrl-C is the
// byte 0x03 on stdin (no SIGINT), and the prompt's readline turns it into ExitPromptError. When 0x03
// is read in the same chunk as the key that settles the prompt (Enter, then Ctrl-C, both typed before
// the console read either: a busy machine), readline hands it to a prompt already settled, which
// drops it: nothing is interrupted and the console waits at its next menu for ever. Every key
// readline decodes on stdin is seen here as well; a Ctrl-C that no prompt has turned into
// ConsoleInterrupted by the next turn of the event loop aborts the console as SIGINT does.
import type { EventEmitter } from 'node:events';
import { ConsoleInterrupted } from './prompts.js';

interface Key {
  name?: string;
  ctrl?: boolean;
}

export class KeyboardInterrupt {
  private readonly ctl = new AbortController();
  private readonly onKey = (_: unknown, key: Key | undefined) => {
    if (!key?.ctrl || key.name !== 'c') return;
    const before = this.taken();
    // A prompt open for this key rejects with ExitPromptError at once; its catch runs in microtasks, before this.
    setImmediate(() => {
      if (this.taken() === before) this.ctl.abort(new ConsoleInterrupted());
    });
  };

  /** `input`: the stream the prompts read (readline emits 'keypress' on it); `taken`: how many Ctrl-C the prompts have turned into ConsoleInterrupted. */
  constructor(private readonly input: EventEmitter, private readonly taken: () => number) {}

  /** Aborted on a Ctrl-C no prompt took. */
  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  listen(): void {
    this.input.on('keypress', this.onKey);
  }

  stop(): void {
    this.input.removeListener('keypress', this.onKey);
  }
}
