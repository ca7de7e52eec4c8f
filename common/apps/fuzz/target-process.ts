// The role under test in its own process, so that whatever noble or bleno do with a case cannot take
// the harness down: it is started, watched (an exit nobody asked for, or a stack trace on stderr, is
// a crash) and stopped, and keeps the tail of what it printed for the finding.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { waitForEvent } from '../../base/util/wait.js';

/** How much of the child's stderr a finding keeps. */
export const STDERR_TAIL_CHARS = 2000;
/** A child that ignores SIGTERM this long is killed (an escalation, not a wait). */
const KILL_AFTER_MS = 3000;
/** "    at fn (file.js:12:34)": a JavaScript stack frame, printed only when something threw. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
/** The thrown error's own line, just above its first stack frame. */
const ERROR_LINE = /^(\S.*)\n\s+at .+:\d+:\d+\)?$/m;
/**
 * "(node:123) Warning: tap peripheral: observe failed: ...": what blebench prints where it caught a
 * throw of its own (the tap, the ATT gate) and went on. Contained, but a bug all the same: a crash.
 */
const CAUGHT_FAILURE = /^\(node:\d+\) Warning: (.*)$/m;

export interface TargetCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** A line on stdout saying the role is ready for the rogue. */
  ready: RegExp;
}

export type TargetDeath = { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'stack-trace'; error: string } | { kind: 'caught-failure'; warning: string };

/** Emits 'change' whenever the child prints or exits. */
export class TargetProcess extends EventEmitter {
  private readonly proc: ChildProcess;
  private out = '';
  private err = '';
  private stopping = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(readonly target: TargetCommand) {
    super();
    this.proc = spawn(target.command, target.args, { env: { ...process.env, ...target.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-STDERR_TAIL_CHARS * 4);
      this.emit('change');
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.err = (this.err + d.toString()).slice(-STDERR_TAIL_CHARS * 4);
      this.emit('change');
    });
    this.proc.on('error', (e) => {
      this.err += `\ncannot start ${target.command}: ${e.message}`;
      this.exit ??= { code: null, signal: null };
      this.emit('change');
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.emit('change');
        resolve();
      });
      this.proc.on('error', () => resolve());
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Why the child is no longer a healthy target, or undefined while it is. */
  death(): TargetDeath | undefined {
    if (this.exit && !this.stopping) return { kind: 'exit', ...this.exit };
    if (STACK_FRAME.test(this.err)) return { kind: 'stack-trace', error: ERROR_LINE.exec(this.err)?.[1] ?? 'an error' };
    const caught = CAUGHT_FAILURE.exec(this.err);
    if (caught) return { kind: 'caught-failure', warning: caught[1]! };
    return undefined;
  }

  stderrTail(): string {
    return this.err.slice(-STDERR_TAIL_CHARS);
  }

  stdoutTail(): string {
    return this.out.slice(-STDERR_TAIL_CHARS);
  }

  /** Resolves once the ready line is on stdout; rejects if the child dies first or the time runs out. */
  async ready(timeoutMs: number): Promise<void> {
    const check = () => this.target.ready.test(this.out) || this.exit !== undefined;
    if (!check()) await waitForEvent(this, 'change', { timeoutMs, what: `${this.target.ready} from ${this.describe()}`, pred: check });
    if (this.exit) throw new Error(`${this.describe()} exited (${this.exit.code ?? this.exit.signal}) before it was ready: ${this.stderrTail()}`);
  }

  describe(): string {
    return [this.target.command, ...this.target.args].join(' ');
  }

  /** Stop as asked (SIGTERM, then SIGKILL): not a crash. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exit) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), KILL_AFTER_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
