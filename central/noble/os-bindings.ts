// `os`: noble with its own platform bindings (what require('@abandonware/noble') picks through
// lib/resolve-bindings.js on macOS and Windows), built here so nothing loads noble's singleton. No HCI
// below, no tap; pairing is the OS's. Only noble's public API and the bindings' own events are used.
//
// What noble 1.9.2-26's platform bindings report (lib/mac/src/ble_manager.mm, lib/win/src/ble_manager.cc):
// - connect: `connect(uuid, null | "connection failed")`: the one error they forward, as a string.
// - read/write/notify: no error argument. CoreBluetooth's NSError is dropped: a failed read emits
//   `read` with the characteristic's cached value (empty if never read), a failed write emits `write`
//   as if it worked, a refused subscription emits `notify` with the state still false. WinRT drops a
//   failed read (no event at all) and emits `write`/`notify` whatever the GattCommunicationStatus.
// So the API bearer (central/os/) reads each bindings event itself, with every argument: a trailing
// error argument (the shape `connect` uses) is read where a binding gives one, and marked `api`.
import { release as osRelease } from 'node:os';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import { runRemovingProcessListeners } from '../../common/base/util/process-listeners.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { NobleInternalsChanged, nobleRequire, type Noble, type NoblePeripheral } from './internals.js';

/** What lib/noble.js calls on its bindings for what the os central does (test/os pins it against the source). */
export const NOBLE_OS_BINDING_METHODS = [
  'init',
  'startScanning',
  'stopScanning',
  'connect',
  'disconnect',
  'discoverServices',
  'discoverCharacteristics',
  'read',
  'write',
  'notify',
] as const;

/** The bindings events the os central listens to, with the arguments noble 1.9.2-26's mac binding emits. */
export const NOBLE_OS_BINDING_EVENTS = {
  stateChange: ['state'],
  discover: ['uuid', 'address', 'addressType', 'connectable', 'advertisement', 'rssi'],
  connect: ['uuid', 'error'],
  disconnect: ['uuid'],
  servicesDiscover: ['uuid', 'serviceUuids'],
  characteristicsDiscover: ['uuid', 'serviceUuid', 'characteristics'],
  read: ['uuid', 'serviceUuid', 'characteristicUuid', 'data', 'isNotification'],
  write: ['uuid', 'serviceUuid', 'characteristicUuid'],
  notify: ['uuid', 'serviceUuid', 'characteristicUuid', 'state'],
} as const;

/** A platform binding as lib/noble.js uses it: an EventEmitter with the methods above. */
export type NobleOsBindings = NodeJS.EventEmitter & { [K in (typeof NOBLE_OS_BINDING_METHODS)[number]]: (...args: never[]) => unknown } & { stop?: () => void };
export type NobleOsBindingsClass = new (options: object) => NobleOsBindings;

/** noble's platform bindings module for `os` on this platform (lib/resolve-bindings.js's choice). */
export function nobleOsBindingsModule(platform: NodeJS.Platform): string | undefined {
  if (platform === 'darwin') return '@abandonware/noble/lib/mac/bindings.js';
  if (platform === 'win32') return '@abandonware/noble/lib/win/bindings.js';
  return undefined;
}

export interface LoadedOsNoble {
  noble: Noble;
  /** The platform bindings themselves: the API bearer reads their events with every argument. */
  bindings: NobleOsBindings;
  transport: OsTransport;
  /** The bindings module loaded (lib/mac/bindings.js or lib/win/bindings.js). */
  bindingsModule: string;
  close(): Promise<void>;
}

export interface LoadNobleOsOptions {
  timeoutMs?: number;
  /** The platform to load for (process.platform otherwise). */
  platform?: NodeJS.Platform;
  /** Test seam: loads a module by id in place of require (test/os hands back a fake CoreBluetooth binding). */
  require?: (id: string) => unknown;
}

/** Windows 10 build 15063 or later (os.release() "10.0.15063"), as lib/resolve-bindings.js decides. */
export function winrtAvailable(release: string): boolean {
  const [major = 0, minor = 0, build = 0] = release.split('.').map((x) => parseInt(x, 10));
  return major > 10 || (major === 10 && minor > 0) || (major === 10 && minor === 0 && build >= 15063);
}

function loadOsBindingsClass(transport: OsTransport, platform: NodeJS.Platform, load: (id: string) => unknown): { Bindings: NobleOsBindingsClass; module: string } {
  const module = nobleOsBindingsModule(platform);
  if (!module) {
    throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: noble has no platform bindings for ${platform}${platform === 'linux' ? ' (Linux reaches its stack through the kernel: use --transport hci:N)' : ''}`, transport.label, {
      hint: 'run `blebench doctor` to see what this machine offers',
    });
  }
  // lib/resolve-bindings.js: WinRT from Windows 10 build 15063 on; older Windows gets hci-socket bindings.
  if (platform === 'win32' && process.platform === 'win32' && !winrtAvailable(osRelease())) {
    throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: Windows ${osRelease()} is older than Windows 10 build 15063, which noble's WinRT binding needs`, transport.label, {
      hint: 'use --transport usb:VID:PID with a dongle on the WinUSB driver (Zadig), or serial:COMn',
    });
  }
  try {
    const Bindings = load(module);
    if (typeof Bindings !== 'function') throw new TypeError(`${module} does not export a constructor`);
    return { Bindings: Bindings as NobleOsBindingsClass, module };
  } catch (err) {
    const what = platform === 'darwin' ? 'CoreBluetooth' : 'WinRT';
    throw new TransportError(
      'NATIVE_MODULE_MISSING',
      `${transport.label}: noble's ${what} binding (${module}) cannot be loaded on this machine: ${(err as Error).message.split('\n')[0]}`,
      transport.label,
      { cause: err, hint: `it is built by npm ci on ${platform === 'darwin' ? 'macOS (needs the Xcode command line tools)' : 'Windows 10 build 15063 or later (needs the Visual Studio build tools)'}; elsewhere use --transport mock, usb or serial:PATH` },
    );
  }
}

export async function loadNobleOs(transport: OsTransport, options: LoadNobleOsOptions = {}): Promise<LoadedOsNoble> {
  const platform = options.platform ?? process.platform;
  const load = options.require ?? nobleRequire;
  const { Bindings, module } = loadOsBindingsClass(transport, platform, load);
  const NobleClass = load('@abandonware/noble/lib/noble.js') as new (bindings: unknown) => Noble;
  const bindings = new Bindings({});
  for (const m of NOBLE_OS_BINDING_METHODS) {
    if (typeof bindings[m] !== 'function') throw new NobleInternalsChanged(`the platform bindings (${module}) have no ${m}()`);
  }
  const noble = new NobleClass(bindings);
  const powered = waitForEvent<[string]>(bindings, 'stateChange', {
    what: `the ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform} Bluetooth stack to power on`,
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (st) => st === 'poweredOn',
  });
  // Reading noble.state the first time runs bindings.init(); CoreBluetooth answers with its state.
  runRemovingProcessListeners(() => {
    void (noble as unknown as { state: string }).state;
  });
  try {
    await powered;
  } catch (e) {
    const state = (noble as unknown as { _state: string })._state;
    throw new TransportError('ADAPTER_DOWN', `${transport.label}: the OS Bluetooth stack is ${state}, not poweredOn`, transport.label, {
      cause: e,
      hint: state === 'unauthorized' ? 'allow this terminal to use Bluetooth (System Settings → Privacy & Security → Bluetooth)' : 'turn Bluetooth on in the system settings',
    });
  }
  let closed = false;
  return {
    noble,
    bindings,
    transport,
    bindingsModule: module,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        noble.stopScanning();
      } catch {
        /* not scanning */
      }
      for (const p of Object.values((noble as unknown as { _peripherals: Record<string, NoblePeripheral> })._peripherals ?? {})) {
        if (p.state === 'connected' || p.state === 'connecting') {
          try {
            p.disconnect();
          } catch {
            /* gone already */
          }
        }
      }
      bindings.stop?.();
    },
  };
}
