// The console's terminal: prompts render through it, and events (notifications, requests,
// disconnections) print above an open prompt without garbling it: the prompt's lines are erased,
// the event printed, and the prompt drawn again exactly as it was, cursor included.
//
// How: every prompt writes through a stream from `promptStream()`. Inquirer's screen manager writes
// each frame as one chunk, `cursorDown(linesBelowCursor) + eraseLines(height) + frame`, where the
// frame ends with the cursor moved back up (`ESC[nA`) and to its column (`ESC[nG`). The last frame is
// kept; printing above it erases those lines, writes the text, and writes the frame again, which
// leaves the screen as the prompt believes it to be.
import { Writable } from 'node:stream';
import { escapeForTerminal } from '../../base/output/escape.js';

const ESC = '\u001b[';
const cursorDown = (n: number) => (n > 0 ? `${ESC}${n}B` : '');
const eraseLines = (n: number) => (n > 0 ? `${ESC}2K${ESC}1A`.repeat(n - 1) + `${ESC}2K${ESC}G` : '');

/** The prefix of every render: an optional cursor-down, then an optional run of erased lines. */
const RENDER_PREFIX = /^(?:\u001b\[\d+B)?(?:(?:\u001b\[2K\u001b\[1A)*\u001b\[2K\u001b\[G)?/;
/** The cursor's column alone (inquirer's checkCursorPos). */
const ONLY_COLUMN = /^\u001b\[\d+G$/;
const TRAILING_COLUMN = /\u001b\[\d+G$/;
/** Shown again when a prompt ends. */
const CURSOR_SHOW = `${ESC}?25h`;

interface Frame {
  /** What the last render drew, cursor movements at its end included. */
  body: string;
  /** Lines it takes. */
  height: number;
  /** Lines below the cursor. */
  below: number;
}

export interface ScreenTarget {
  write(s: string): unknown;
  /** The terminal's width and height, which prompts wrap to (a TTY has them). */
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

export class ConsoleScreen {
  private frame: Frame | undefined;
  /** Lines the last finished prompt left on the screen (its frame, kept because clearPromptOnDone is off). */
  private leftBehind = 0;

  constructor(private readonly out: ScreenTarget = process.stdout) {}

  /** A fresh stream for one prompt's `output` (inquirer ends it when the prompt ends). */
  promptStream(): Writable {
    const stream = new Writable({
      write: (chunk: Buffer | string, _enc, cb) => {
        const s = chunk.toString();
        this.track(s);
        this.out.write(s);
        cb();
      },
      final: (cb) => {
        this.frame = undefined;
        cb();
      },
    });
    // Inquirer wraps lines at the output's width (through its mute stream, which asks this one).
    Object.defineProperty(stream, 'columns', { get: () => this.out.columns });
    Object.defineProperty(stream, 'rows', { get: () => this.out.rows });
    Object.defineProperty(stream, 'isTTY', { get: () => this.out.isTTY === true });
    return stream;
  }

  /** Whether a prompt is drawn now. */
  get promptOpen(): boolean {
    return this.frame !== undefined;
  }

  /** Prints lines; above the open prompt, if there is one, which is drawn again below them. */
  print(text: string): void {
    // What is printed may quote a peer (names, values) or a file: no control of its own reaches the terminal.
    const safe = escapeForTerminal(text);
    const lines = safe.endsWith('\n') ? safe : `${safe}\n`;
    const f = this.frame;
    if (!f) {
      this.leftBehind = 0;
      this.out.write(lines);
      return;
    }
    this.out.write(cursorDown(f.below) + eraseLines(f.height) + lines + f.body);
  }

  /** Erases what the last prompt left on the screen: for one closed early (aborted), whose question was never answered. */
  eraseLastPrompt(): void {
    if (this.frame || this.leftBehind === 0) return;
    this.out.write(`${ESC}${this.leftBehind}A${ESC}G${ESC}0J`);
    this.leftBehind = 0;
  }

  private track(s: string): void {
    if (ONLY_COLUMN.test(s)) {
      if (this.frame) this.frame.body = this.frame.body.replace(TRAILING_COLUMN, '') + s;
      return;
    }
    if (s.endsWith(CURSOR_SHOW)) {
      // The prompt is done: its answer stays on the screen as ordinary text.
      this.leftBehind = this.frame?.height ?? 0;
      this.frame = undefined;
      return;
    }
    const body = s.replace(RENDER_PREFIX, '');
    const up = /\u001b\[(\d+)A(?:\u001b\[\d+G)?$/.exec(body);
    this.frame = { body, height: body.split('\n').length, below: up ? Number(up[1]) : 0 };
  }
}
