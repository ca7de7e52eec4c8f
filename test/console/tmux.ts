// Real terminals for console tests: tmux sessions on a private server socket (`tmux -L
// blebench-test-<pid>`), keys sent with send-keys, the screen read with capture-pane. Waiting is
// observation driven by events: tmux copies everything the program writes to its terminal into a file
// (pipe-pane), and the pane is captured again each time that file grows (fs.watch: inotify), until
// what the test expects is on it, within a time limit; the error shows the screen as it was. The exit
// status file is waited for the same way (its folder watched). No capture on a timer: a 50 ms poll cost
// each wait 25 ms on average and a tmux process every 50 ms.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The next event of a watcher on `watched` (a file: it changed; a folder: an entry came or went), or
 * the end of `ms`: one turn of a wait loop. cancel() closes the watcher and the timer.
 */
function nextChange(watched: string, ms: number): { changed: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const changed = new Promise<void>((resolve) => {
    const w = watch(watched, () => finish());
    const timer = setTimeout(() => finish(), ms);
    function finish() {
      clearTimeout(timer);
      w.close();
      resolve();
    }
    cancel = finish;
  });
  return { changed, cancel };
}

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class Tmux {
  readonly socket = `blebench-test-${process.pid}`;
  private kept = false;
  /** Each started pane's output file (pipe-pane): it grows whenever the program writes to its terminal. */
  private readonly panes = new Map<string, string>();

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /**
   * A new 200×50 terminal running `argv`; when it ends, its exit status goes to `statusFile` and the
   * pane stays open (so the screen can still be read).
   *
   * The wrapper shell traps SIGINT (`trap : INT`): a Ctrl-C sent while the program's terminal is not in
   * raw mode (between two prompts) is a SIGINT to the whole foreground process group, the shell
   * included, and dash, not trapping it, died of it: no status file, the pane gone, and the program
   * hung up, which looked like a console that did not exit. A trap with a command is reset in the
   * child on exec, so the program still gets SIGINT as from a terminal.
   */
  start(name: string, argv: string[], statusFile: string, cwd: string): void {
    this.keepServer();
    const cmd = `trap : INT; ${argv.map(quote).join(' ')}; s=$?; echo "EXIT=$s" > ${quote(statusFile)}; echo "EXIT=$s"; exec cat`;
    // The output file is there (and tmux copies the terminal's output into it) before the program
    // starts: the terminal opens on an idle `cat`, then runs the program in its place.
    const out = `${statusFile}.pane`;
    writeFileSync(out, '');
    this.panes.set(name, out);
    this.tmux(['new-session', '-d', '-s', name, '-x', '200', '-y', '50', '-c', cwd, 'sh', '-c', 'exec cat']);
    this.tmux(['pipe-pane', '-t', name, '-o', `cat >> ${quote(out)}`]);
    this.tmux(['respawn-pane', '-k', '-t', name, '-c', cwd, 'sh', '-c', cmd]);
  }

  /**
   * A tmux server exits when its last session ends; a `new-session` sent while it is exiting fails
   * with "server exited unexpectedly" (a test that killed its last pane, then started the next). One
   * idle session holds the server up until `kill()`.
   */
  private keepServer(): void {
    if (this.kept) return;
    this.tmux(['new-session', '-d', '-s', 'keep-server', 'sh', '-c', 'exec cat']);
    this.kept = true;
  }

  /** Keys as tmux names them ("Enter", "Down", "C-c") or literal text. */
  keys(name: string, ...keys: string[]): void {
    this.tmux(['send-keys', '-t', name, ...keys]);
  }

  /** Literal text (no key names). */
  type(name: string, text: string): void {
    this.tmux(['send-keys', '-t', name, '-l', text]);
  }

  /** The pane with its scrollback, wrapped lines joined. */
  screen(name: string): string {
    return this.tmux(['capture-pane', '-p', '-J', '-t', name, '-S', '-2000']);
  }

  count(name: string, re: RegExp): number {
    return [...this.screen(name).matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))].length;
  }

  /** Captures again whenever the program writes to the terminal, until `re` matches at least `times` times; returns the screen. */
  async waitForScreen(name: string, re: RegExp, timeoutMs = 10_000, times = 1): Promise<string> {
    const end = Date.now() + timeoutMs;
    const out = this.panes.get(name);
    if (!out) throw new Error(`pane ${name} was not started by this Tmux`);
    for (;;) {
      // Watch first, then capture: output written between the two is an event, not lost.
      const next = nextChange(out, Math.max(0, end - Date.now()));
      const s = this.screen(name);
      const n = [...s.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))].length;
      if (n >= times || Date.now() > end) next.cancel();
      if (n >= times) return s;
      if (Date.now() > end) throw new Error(`pane ${name}: ${re} did not appear${times > 1 ? ` ${times} times` : ''} within ${timeoutMs} ms; the screen:\n${s.replace(/\n+$/, '')}`);
      await next.changed;
    }
  }

  /** Sends keys, then waits until `re` shows up once more than before. */
  async step(name: string, keys: string[] | { text: string }, re: RegExp, timeoutMs = 10_000): Promise<string> {
    const before = this.count(name, re);
    if (Array.isArray(keys)) this.keys(name, ...keys);
    else this.type(name, keys.text);
    return this.waitForScreen(name, re, timeoutMs, before + 1);
  }

  /** The exit status the wrapper wrote, once the program ended (the status file's folder watched for it). */
  async exitStatus(statusFile: string, timeoutMs = 10_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const next = nextChange(path.dirname(statusFile), Math.max(0, end - Date.now()));
      const m = existsSync(statusFile) ? /EXIT=(\d+)/.exec(readFileSync(statusFile, 'utf8')) : null;
      if (m || Date.now() > end) next.cancel();
      if (m) return Number(m[1]);
      if (Date.now() > end) {
        const name = [...this.panes].find(([, out]) => out === `${statusFile}.pane`)?.[0];
        throw new Error(`no exit status in ${statusFile} within ${timeoutMs} ms${name ? `; the screen of ${name}:\n${this.screen(name).replace(/\n+$/, '')}` : ''}`);
      }
      await next.changed;
    }
  }

  /** The process id of the program the pane runs (the wrapper shell's child). */
  programPid(name: string): number {
    const shell = this.tmux(['display-message', '-p', '-t', name, '#{pane_pid}']).trim();
    const pids = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n');
    if (pids.length !== 1) throw new Error(`pane ${name}: expected one program under its shell ${shell}, found ${pids.join(', ')}`);
    return Number(pids[0]);
  }

  /** Ends one session (its program gets SIGHUP); nothing if it is gone already. */
  killSession(name: string): void {
    try {
      this.tmux(['kill-session', '-t', name]);
    } catch {
      // already gone
    }
  }

  /** Ends this server's sessions and removes its socket file. */
  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
    this.kept = false;
    rmSync(path.join(process.env.TMUX_TMPDIR ?? tmpdir(), `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}
