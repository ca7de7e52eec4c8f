// Which transport a command uses when --transport is not given: a pure function of the platform and
// the command line, so each platform's answer is a unit test. Linux (and anything else) keeps the
// virtual radio; macOS and Windows, where raw HCI is out of reach, use the OS's own stack for a role
// that can run on it, and say so in one line.
import { osStackFor } from './os-transport.js';

export type TransportCommand = 'run' | 'central' | 'peripheral';

export interface TransportDefaultInput {
  platform: NodeJS.Platform;
  command: TransportCommand;
  /** The --transport value when the user gave one. */
  given?: string;
  /** central: whether --target was given (without it the central walks blebench's own peripheral on mock). */
  target?: string;
}

export interface TransportChoice {
  spec: string;
  /** The line to print when the choice was made for the user (stderr). */
  note?: string;
}

const OS_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS', win32: 'Windows' };

export function defaultTransport(input: TransportDefaultInput): TransportChoice {
  if (input.given !== undefined) return { spec: input.given };
  const stack = osStackFor(input.platform);
  // run needs both roles on one radio (or an explicit --transport for one role); central without
  // --target walks blebench's own peripheral on the virtual radio: both stay on mock everywhere.
  if (!stack || input.command === 'run' || (input.command === 'central' && input.target === undefined)) return { spec: 'mock' };
  const os = OS_NAMES[input.platform]!;
  const instead = 'give --transport mock for the virtual radio, or usb / serial:PATH for a dongle with full HCI control';
  if (input.command === 'central') {
    return { spec: 'os', note: `blebench: no --transport given: on ${os} the central uses the system Bluetooth stack (--transport os: ${stack.central.api}; no HCI tap, pairing decided by ${os}); ${instead}` };
  }
  if ('unavailable' in stack.peripheral) {
    return { spec: 'mock', note: `blebench: no --transport given: ${stack.peripheral.unavailable}, so the peripheral serves on the private virtual radio (mock); use --transport usb or serial:PATH to reach the air` };
  }
  return { spec: 'os', note: `blebench: no --transport given: on ${os} the peripheral uses the system Bluetooth stack (--transport os: ${stack.peripheral.api}; no HCI tap, pairing decided by ${os}); ${instead}` };
}
