// Several blebench command lines in one spawned node (cli-batch-runner.mjs), one after another: each gets
// its own exit code, stdout and stderr as a process of its own would show them, for the cost of one node
// start-up and one import of the built CLI (most of a refused command's time). For files that run many
// command lines whose point is what the command says and returns; a test about the process itself (a
// signal, its exit on a lost transport, bin/blebench.js) starts a real `blebench` of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export interface BatchResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** 'hung' when the case was still running at its limit (the batch ends there), else null like a process that exited. */
  signal: 'hung' | null;
}

const RUNNER = fileURLToPath(new URL('./cli-batch-runner.mjs', import.meta.url));
const MARK = '\n@@blebench-batch-results@@\n';

export interface BatchOptions {
  /** Each case's limit; a case still running then has hung. */
  caseLimitMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

/** Runs `cases` (each the arguments after `blebench`) in one node; the results in the same order. */
export function blebenchBatch(cases: readonly (readonly string[])[], opts: BatchOptions = {}): BatchResult[] {
  if (cases.length === 0) return [];
  const limit = opts.caseLimitMs ?? 15_000;
  const r = spawnSync(process.execPath, [RUNNER, JSON.stringify(cases), String(limit)], {
    encoding: 'utf8',
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, BLEBENCH_DEBUG: '', ...opts.env },
    timeout: limit * cases.length + 30_000,
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const at = r.stdout.indexOf(MARK);
  if (at < 0) throw new Error(`the batch of ${cases.length} blebench command lines ended without its results (exit ${r.status ?? r.signal}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  // Whatever the batch printed outside any case (at the CLI's import) would have reached every real process.
  const [outOutside, errOutside] = [r.stdout.slice(0, at), r.stderr];
  const raw = JSON.parse(r.stdout.slice(at + MARK.length)) as Array<{ code: number | null; stdout: string; stderr: string; hung: boolean }>;
  return cases.map((_, i) => {
    const c = raw[i];
    if (!c) return { code: null, stdout: '', stderr: `not run: case ${raw.length} of this batch hung (blebench ${cases[raw.length - 1]?.join(' ')})`, signal: 'hung' };
    return { code: c.code, stdout: outOutside + c.stdout, stderr: errOutside + c.stderr, signal: c.hung ? 'hung' : null };
  });
}

/** One file's batch: `runAll` (a beforeAll, with the time the whole batch may take) then `result(args)` per test. */
export interface Batch {
  runAll(): void;
  /** A declared command line's result (a command line not declared is a mistake in the test). */
  result(args: readonly string[]): BatchResult;
}

/** The command lines a file runs, declared up front, run in one node by `runAll` (or at the first `result`). */
export function batched(cases: readonly (readonly string[])[], opts: BatchOptions = {}): Batch {
  let results: Map<string, BatchResult> | undefined;
  const runAll = () => {
    results ??= new Map(blebenchBatch(cases, opts).map((r, i) => [JSON.stringify(cases[i]), r]));
  };
  return {
    runAll,
    result(args) {
      runAll();
      const r = results!.get(JSON.stringify(args));
      if (!r) throw new Error(`blebench ${args.join(' ')} is not one of this file's batched command lines`);
      return r;
    },
  };
}

/** One node that runs command lines as the tests send them, one at a time (for tests that build them as they go). */
export interface CliSession {
  run(...args: string[]): Promise<BatchResult>;
  /** Ends the node; fails if anything escaped a case after its end or was printed outside every case. */
  close(): Promise<void>;
}

export function cliSession(opts: BatchOptions = {}): CliSession {
  const limit = opts.caseLimitMs ?? 15_000;
  let child: ChildProcess | undefined;
  let chan: Readable & Writable;
  let outside = '';
  const late: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const start = () => {
    child = spawn(process.execPath, [RUNNER, 'serve', String(limit)], {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, BLEBENCH_DEBUG: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    child.stdout!.on('data', (d: Buffer) => (outside += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (outside += d.toString()));
    chan = child.stdio[3] as Readable & Writable;
    createInterface({ input: chan }).on('line', (line) => {
      const msg = JSON.parse(line) as { late?: string };
      if (msg.late !== undefined) late.push(msg.late);
      else waiting?.(line);
    });
  };
  const one = async (args: string[]): Promise<BatchResult> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) start();
    const proc = child!;
    let timer: NodeJS.Timeout | undefined;
    let onExit: (() => void) | undefined;
    const answer = new Promise<BatchResult | 'hung' | 'exited'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), limit);
      onExit = () => resolve('exited');
      proc.once('exit', onExit);
      waiting = (line) => {
        const c = JSON.parse(line) as { code: number | null; stdout: string; stderr: string };
        resolve({ code: c.code, stdout: c.stdout, stderr: c.stderr, signal: null });
      };
    });
    chan.write(`${JSON.stringify(args)}\n`);
    const r = await answer;
    // this case's watchers go with it (a session runs many cases on one node)
    clearTimeout(timer);
    proc.removeListener('exit', onExit!);
    waiting = undefined;
    if (r === 'hung' || r === 'exited') {
      proc.kill('SIGKILL');
      child = undefined;
      return { code: null, stdout: '', stderr: `${outside}\n[the session's node ${r === 'hung' ? `was still running blebench ${args.join(' ')} after ${limit} ms` : 'exited'}]`, signal: 'hung' };
    }
    return r;
  };
  return {
    run(...args) {
      const p = queue.then(() => one(args));
      queue = p.catch(() => undefined);
      return p;
    },
    async close() {
      await queue;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit');
        chan.end();
        await exited;
      }
      if (late.length || outside) throw new Error(`the blebench session printed outside its command lines:\n${late.join('\n')}${outside}`);
    },
  };
}
