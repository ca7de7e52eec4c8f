// Child processes for cross-process tests: start, wait for a line on stdout (with a timeout), stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { TimeoutError } from '../../common/base/util/wait.js';

/** A child that ignores its stop signal this long is killed outright (an escalation, not a wait). */
const KILL_AFTER_MS = 5000;

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Waits for `re` on stdout (or on stderr with `from: 'stderr'`, where logs go). */
  waitForLine(re: RegExp, timeoutMs?: number, from?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startChild(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    waiters.forEach((w) => w());
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    waiters.forEach((w) => w());
  });
  proc.on('exit', () => waiters.forEach((w) => w()));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    waitForLine(re, timeoutMs = 10_000, from = 'stdout') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (from === 'stdout' ? out : err).match(re);
          if (m) {
            done();
            resolve(m);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            done();
            reject(new Error(`${cmd} ${args.join(' ')} exited (${proc.exitCode ?? proc.signalCode}) before printing ${re}\nstdout: ${out}\nstderr: ${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new TimeoutError(`${re} from ${args.join(' ')} (stderr: ${err})`, timeoutMs));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          const i = waiters.indexOf(check);
          if (i >= 0) waiters.splice(i, 1);
        };
        waiters.push(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      const exited = once(proc, 'exit');
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
      return proc.exitCode;
    },
  };
}
