// bleno over the os transport: its platform bindings (CoreBluetooth on macOS), public API only.
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import { DESCRIPTOR_UUID } from '../../common/stack/gatt/descriptor-types.js';
import { runRemovingProcessListeners } from '../../common/base/util/process-listeners.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { BLENO_HCI_BINDINGS_FILE, BLENO_MAC_BINDINGS_FILE, BLENO_VERSION_PINNED, BlenoLoadError, blenoSlot, dropBlenoModules, require, type Bleno } from './internals.js';

/**
 * `os`: the bindings file bleno's own lib/bleno.js picks for the platform stack: lib/mac/bindings.js on
 * macOS (CoreBluetooth); none on Windows, where bleno 0.6.2 uses HCI sockets (a USB dongle) instead.
 */
export function blenoOsBindingsFile(platform: NodeJS.Platform): string | undefined {
  return platform === 'darwin' ? BLENO_MAC_BINDINGS_FILE : undefined;
}

// ---------------------------------------------------------------------------------------------
// `os`: bleno with its CoreBluetooth bindings (lib/mac/bindings.js, a CBPeripheralManager). Only
// bleno's public API is used: CoreBluetooth builds the attribute table, answers what its permissions
// cover (encryption: 0x05/0x0F, its choice) and pairs; the app sees the requests it passes on.
//
// What bleno 0.6.2's mac binding does with a characteristic (lib/mac/src/napi_objc.mm):
// - properties read/write/writeWithoutResponse/notify/indicate only (no broadcast, signed writes,
//   extended properties); `secure` containing the operation → CBAttributePermissionsRead/Write-
//   EncryptionRequired, CBCharacteristicPropertyNotify/IndicateEncryptionRequired: encryption, never
//   MITM, never a key size; writeWithoutResponse shares the write permission;
// - a `value` makes CoreBluetooth answer reads itself from a cached value (read-only characteristics);
// - descriptors become CBMutableDescriptors, which CoreBluetooth accepts for 0x2901 and 0x2904 only;
// - readRequest(offset, cb(result, data)), writeRequest(data, offset, withoutResponse, cb(result)):
//   `result` goes to respondToRequest as a CBATTError, so the app can answer any ATT code it reaches.
// ---------------------------------------------------------------------------------------------

/** What lib/bleno.js calls on its bindings (test/os pins it against the source). */
export const BLENO_OS_BINDING_METHODS = ['init', 'startAdvertising', 'stopAdvertising', 'setServices', 'disconnect', 'updateRssi'] as const;
/** What bleno 0.6.2's mac binding reads from each characteristic it is given (lib/mac/src/napi_objc.mm). */
export const BLENO_MAC_CHARACTERISTIC_FIELDS = ['uuid', 'value', 'properties', 'secure', 'descriptors'] as const;
/** The operations bleno's mac binding turns into CoreBluetooth properties and permissions. */
export const BLENO_MAC_PROPERTIES = ['read', 'write', 'writeWithoutResponse', 'notify', 'indicate'] as const;
/** The descriptors CoreBluetooth's CBMutableDescriptor accepts (Characteristic User Description, Presentation Format). */
export const COREBLUETOOTH_DESCRIPTOR_UUIDS: readonly string[] = [DESCRIPTOR_UUID.USER_DESCRIPTION, DESCRIPTOR_UUID.PRESENTATION_FORMAT];

export interface LoadedOsBleno {
  bleno: Bleno;
  transport: OsTransport;
  /** The bindings file loaded (lib/mac/bindings.js). */
  bindingsFile: string;
  close(): Promise<void>;
}

export interface LoadBlenoOsOptions {
  timeoutMs?: number;
  /**
   * Test seam: a bindings object (an EventEmitter with BLENO_OS_BINDING_METHODS, emitting what the mac
   * binding emits) put where lib/bleno.js requires its bindings on the running platform.
   */
  bindings?: NodeJS.EventEmitter;
}

let loadedOs: LoadedOsBleno | undefined;

/** The bindings module lib/bleno.js requires on the platform this process runs on. */
function blenoBindingsFileHere(): string {
  return process.platform === 'darwin' ? BLENO_MAC_BINDINGS_FILE : BLENO_HCI_BINDINGS_FILE;
}

export async function loadBlenoOs(transport: OsTransport, options: LoadBlenoOsOptions = {}): Promise<LoadedOsBleno> {
  const stack = transport.stack;
  if ('unavailable' in stack.peripheral) throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: ${stack.peripheral.unavailable}`, transport.label, { hint: 'use --transport usb or serial:PATH for the peripheral role' });
  if (blenoSlot.hci || loadedOs) throw new BlenoLoadError('bleno is already loaded in this process: close it before loading another');
  const file = blenoOsBindingsFile(stack.platform)!;
  dropBlenoModules();
  let bindings: NodeJS.EventEmitter;
  if (options.bindings) {
    bindings = options.bindings;
    require.cache[blenoBindingsFileHere()] = { id: blenoBindingsFileHere(), filename: blenoBindingsFileHere(), loaded: true, exports: bindings, children: [], paths: [] } as unknown as NodeJS.Module;
  } else {
    if (process.platform !== 'darwin') {
      throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: bleno's CoreBluetooth binding runs on macOS only, not on ${process.platform}`, transport.label, { hint: 'run `blebench doctor` to see what this machine offers' });
    }
    try {
      bindings = require(file) as NodeJS.EventEmitter;
    } catch (err) {
      dropBlenoModules();
      throw new TransportError('NATIVE_MODULE_MISSING', `${transport.label}: bleno's CoreBluetooth binding (${file}) cannot be loaded: ${(err as Error).message.split('\n')[0]}`, transport.label, {
        cause: err,
        hint: 'it is built by npm ci on macOS (needs the Xcode command line tools)',
      });
    }
  }
  for (const m of BLENO_OS_BINDING_METHODS) {
    if (typeof (bindings as unknown as Record<string, unknown>)[m] !== 'function') {
      dropBlenoModules();
      throw new BlenoLoadError(`bleno ${BLENO_VERSION_PINNED}'s platform bindings changed: no ${m}() (peripheral/bleno/ relies on it)`);
    }
  }
  const bleno = require('@abandonware/bleno') as Bleno;
  const powered = waitForEvent<[string]>(bleno as unknown as NodeJS.EventEmitter, 'stateChange', {
    what: 'the macOS Bluetooth stack (CBPeripheralManager) to power on',
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (st) => st === 'poweredOn',
  });
  // The first stateChange listener runs bindings.init().
  runRemovingProcessListeners(() => {
    bleno.on('stateChange', () => {});
  });
  try {
    await powered;
  } catch (e) {
    bleno.removeAllListeners();
    dropBlenoModules();
    const state = (bleno as unknown as { state: string }).state;
    throw new TransportError('ADAPTER_DOWN', `${transport.label}: the OS Bluetooth stack is ${state}, not poweredOn`, transport.label, {
      cause: e,
      hint: state === 'unauthorized' ? 'allow this terminal to use Bluetooth (System Settings → Privacy & Security → Bluetooth)' : 'turn Bluetooth on in the system settings',
    });
  }
  let closed = false;
  const handle: LoadedOsBleno = {
    bleno,
    transport,
    bindingsFile: file,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        bleno.stopAdvertising();
        bleno.disconnect();
      } catch {
        /* not advertising, no link */
      }
      bleno.removeAllListeners();
      dropBlenoModules();
      if (loadedOs === handle) loadedOs = blenoSlot.os = undefined;
    },
  };
  loadedOs = handle;
  blenoSlot.os = handle;
  return handle;
}
