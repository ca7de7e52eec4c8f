// pino logs on stderr (design.md, "The command line"): json for machines, pretty for people.
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

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
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname',
    translateTime: 'HH:MM:ss.l',
  });
  return pino({ level, base }, stream);
}

/** A logger that says nothing (library use, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
