// Options several commands share, parsed once, errors as BadInputError (exit 2).
import { Option } from 'commander';
import { BadInputError } from '../common/base/errors/blebench-error.js';
import { parseTransportSpec, TRANSPORT_SPEC_FORMS, type TransportSpec } from '../common/stack/hci/transport-spec.js';
import { createLogger, LOG_LEVELS, type LogFormat, type Logger } from '../common/base/log/logger.js';
import type { LevelWithSilent } from 'pino';
import { styleFor, type TextStyle } from '../common/base/output/style.js';

export const transportOption = () =>
  new Option('--transport <spec>', `what is below the HCI seam: ${TRANSPORT_SPEC_FORMS.join(' | ')}`).default('mock');
export const addressOption = () =>
  new Option(
    '--address <AA:BB:CC:DD:EE:FF>',
    "set the controller's public address before the stack starts (Zephyr vendor command Write BD_ADDR): a fixed identity across runs on blebench air, an address for a Zephyr dongle that has none",
  );
export const logLevelOption = () => new Option('--log-level <level>', 'log level on stderr').choices(LOG_LEVELS as string[]).default('info');
export const logFormatOption = () => new Option('--log-format <format>', 'log format on stderr').choices(['json', 'pretty']).default('pretty');

/** --no-color (commander sets `color: false`): colour off on a terminal too, as NO_COLOR does. */
export const noColorOption = () => new Option('--no-color', 'no colour even on a terminal (as NO_COLOR=1 does; pipes, files and JSON never get any)');
export const verboseOption = () => new Option('--verbose', "each cell's reason in words under the table (--json always has them)");

/** The look of text written to stdout: colour and marks on a terminal only, its width (common/base/output/style.ts). */
export const stdoutStyle = (opts: { color?: boolean | undefined }): TextStyle => styleFor(process.stdout, { noColor: opts.color === false });

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
    if (!Number.isSafeInteger(Number(v))) throw new BadInputError('BAD_FLAG', `${flag} ${v}: at most ${Number.MAX_SAFE_INTEGER}`, { path: flag });
    return Number(v);
  };
}

/** The longest delay Node's timers keep (a signed 32-bit count of ms); a longer one fires at once (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration flag in milliseconds: a positive whole number up to MAX_TIMER_MS (about 24.8 days). */
export function durationMs(flag: string) {
  const whole = positiveInt(flag);
  return (v: string): number => {
    if (/^\d+$/.test(v) && Number(v) > MAX_TIMER_MS) {
      throw new BadInputError('BAD_FLAG', `${flag} ${v}: at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest timer Node.js keeps)`, { path: flag });
    }
    return whole(v);
  };
}

const PUBLIC_ADDRESS_TEXT = /^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/;

/**
 * --address, checked before anything is opened (exit 2): the form AA:BB:CC:DD:EE:FF, not all zeros,
 * and a transport where blebench owns the controller's HCI (not hci:N, where the kernel does; not os).
 * Returns the address upper-cased, or undefined when the flag is absent.
 */
export function addressFrom(opts: { address?: string; transport: string }): string | undefined {
  if (opts.address === undefined) return undefined;
  const a = opts.address.trim().toUpperCase();
  if (!PUBLIC_ADDRESS_TEXT.test(a)) throw new BadInputError('BAD_FLAG', `--address ${JSON.stringify(opts.address)}: expected a Bluetooth address AA:BB:CC:DD:EE:FF (six hex pairs, colons)`, { path: '--address' });
  if (a === '00:00:00:00:00:00') throw new BadInputError('BAD_FLAG', '--address 00:00:00:00:00:00 is "no address": give the controller a real one', { path: '--address' });
  const spec = parseTransportSpec(opts.transport);
  if (spec.kind === 'hci') {
    throw new BadInputError('BAD_FLAG', `--address cannot be used with --transport hci:${spec.devId}: the kernel owns that controller and sets its public address`, { path: '--address' }, {
      hint: `set it the kernel's way (adapter powered off): btmgmt --index ${spec.devId} public-addr ${a}; or use --transport hci-user:${spec.devId}, where blebench owns the controller`,
    });
  }
  if (spec.kind === 'os') {
    throw new BadInputError('BAD_FLAG', '--address cannot be used with --transport os: the OS stack owns the controller and its address', { path: '--address' }, {
      hint: 'drop the flag, or use a transport with HCI below it: usb[:VID:PID], serial:PATH, hci-user:N (Linux)',
    });
  }
  return a;
}
