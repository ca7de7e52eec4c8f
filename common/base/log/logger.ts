// pino logs on stderr (design.md, "The command line"): json for machines, pretty for people.
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { createRequire } from 'node:module';
import type { PrettyStream, PrettyOptions } from 'pino-pretty';
import { escapeField, escapeForTerminal } from '../output/escape.js';

export type { Logger } from 'pino';
export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  level?: LevelWithSilent;
  format?: LogFormat;
  name?: string;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const base = { name: opts.name ?? 'blebench' };
  if ((opts.format ?? 'pretty') === 'json') return pino({ level, base }, pino.destination({ fd: 2, sync: true }));
  const stream = prettyStream({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname',
    translateTime: 'HH:MM:ss.l',
  });
  // pino-pretty prints strings as they are: a peer's name or a file's text must not drive the terminal.
  return pino({ level, base, hooks: { logMethod: escapeLogArguments }, formatters: { log: escapeFields } }, stream);
}

/** pino-pretty, required only for a pretty logger: a `--log-format json` process never loads it (~30 ms CPU). */
function prettyStream(options: PrettyOptions): PrettyStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as (o: PrettyOptions) => PrettyStream;
  return pretty(options);
}

function escapeDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return escapeField(v);
  if (depth > 8 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map((x) => escapeDeep(x, depth + 1));
  if (v instanceof Error) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapeField(k), escapeDeep(x, depth + 1)]));
}

function escapeFields(obj: Record<string, unknown>): Record<string, unknown> {
  return escapeDeep(obj) as Record<string, unknown>;
}

function escapeLogArguments(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void): void {
  method.apply(this, (args as unknown[]).map((a) => (typeof a === 'string' ? escapeForTerminal(a) : a)));
}

/** A logger that says nothing (library use, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
