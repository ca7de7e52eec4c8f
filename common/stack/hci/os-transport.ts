// `os`: the platform's own Bluetooth stack through noble's and bleno's native bindings (CoreBluetooth
// on macOS, WinRT on Windows for the central). There is no HCI below us: the OS owns the controller,
// so there is no socket to hand out, no tap (tapAvailable: false), and pairing is the OS's decision
// (its dialog, its bond store). Every fact a program reports over `os` comes from the API, none from the air.
import { EventEmitter } from 'node:events';
import type { Tap } from '../trace/tap.js';
import type { HciSocketApi } from './socket-api.js';
import { TransportError } from './transport-errors.js';
import type { TransportSpec } from './transport-spec.js';
import type { HciTransport, HciTransportEvents } from './hci-transport.js';

/** What the platform stack offers each role, and through which of the libraries' own bindings. */
export interface OsStack {
  platform: 'darwin' | 'win32';
  /** noble's platform bindings module (lib/mac/bindings.js or lib/win/bindings.js). */
  central: { api: string; nobleBindings: 'mac' | 'win' };
  /** bleno's platform bindings, or why there are none. */
  peripheral: { api: string; blenoBindings: 'mac' } | { unavailable: string };
  /** Who decides pairing and keeps the bonds. */
  pairing: string;
}

export const OS_STACKS: Readonly<Record<'darwin' | 'win32', OsStack>> = {
  darwin: {
    platform: 'darwin',
    central: { api: 'CoreBluetooth (noble lib/mac)', nobleBindings: 'mac' },
    peripheral: { api: 'CoreBluetooth CBPeripheralManager (bleno lib/mac)', blenoBindings: 'mac' },
    pairing: 'macOS decides: it pairs when a peer answers 0x05/0x0F and shows its own dialog; bonds live in the system (System Settings → Bluetooth)',
  },
  win32: {
    platform: 'win32',
    central: { api: 'WinRT Windows.Devices.Bluetooth (noble lib/win, Windows 10 build 15063 or later)', nobleBindings: 'win' },
    peripheral: { unavailable: 'bleno 0.6.2 has no Windows platform bindings (it uses HCI sockets, i.e. a USB dongle with the WinUSB driver)' },
    pairing: 'Windows decides: pairing and bonds belong to the system (Settings → Bluetooth & devices)',
  },
};

export function osStackFor(platform: NodeJS.Platform): OsStack | undefined {
  return platform === 'darwin' || platform === 'win32' ? OS_STACKS[platform] : undefined;
}

export class OsTransport extends EventEmitter<HciTransportEvents> implements HciTransport {
  readonly kernelShare = undefined;
  readonly tapAvailable = false;
  private open = true;

  constructor(
    readonly spec: TransportSpec & { kind: 'os' },
    readonly label: string,
    /** Stays empty: kept so code that reads a timeline gets an empty one, not a crash. */
    readonly tap: Tap,
    readonly stack: OsStack,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.open;
  }

  createSocket(): HciSocketApi {
    throw new TransportError('UNSUPPORTED_ON_PLATFORM', `os: the ${this.stack.central.api} stack has no HCI socket to hand out`, this.label, {
      hint: 'the os roles load noble\'s/bleno\'s platform bindings instead (loadNobleOs, loadBlenoOs); for HCI use usb, serial: or h4:',
    });
  }

  async close(): Promise<void> {
    if (this.open) {
      this.open = false;
      this.emit('close', undefined);
    }
    await this.tap.close();
  }
}

export function isOsTransport(t: HciTransport): t is OsTransport {
  return t.spec.kind === 'os';
}
