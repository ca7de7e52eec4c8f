// Options several commands share, parsed once, errors as BadInputError (exit 2).
import { Option } from 'commander';
import { BadInputError } from '../common/errors/blebench-error.js';
import { parseTransportSpec, TRANSPORT_SPEC_FORMS, type TransportSpec } from '../common/hci/transport-spec.js';
import { createLogger, LOG_LEVELS, type LogFormat, type Logger } from '../common/log/logger.js';
import type { LevelWithSilent } from 'pino';

export const transportOption = () =>
  new Option('--transport <spec>', `what is below the HCI seam: ${TRANSPORT_SPEC_FORMS.join(' | ')}`).default('mock');
export const logLevelOption = () => new Option('--log-level <level>', 'log level on stderr').choices(LOG_LEVELS as string[]).default('info');
export const logFormatOption = () => new Option('--log-format <format>', 'log format on stderr').choices(['json', 'pretty']).default('pretty');

export interface CommonOptions {
  transport: string;
  logLevel: string;
  logFormat: string;
}

export function transportFrom(opts: { transport: string }): TransportSpec {
  return parseTransportSpec(opts.transport);
}

export function loggerFrom(opts: { logLevel: string; logFormat: string }, name: string): Logger {
  return createLogger({ level: opts.logLevel as LevelWithSilent, format: opts.logFormat as LogFormat, name });
}

export function positiveInt(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) <= 0) throw new BadInputError('BAD_FLAG', `${flag} ${JSON.stringify(v)}: expected a positive whole number`, { path: flag });
    return Number(v);
  };
}
