// The one module that loads @abandonware/bleno (0.6.2). Every reach into its internals lives here;
// test/peripheral/bleno-loader.test.ts fails loudly when a pinned version changes them.
//
// What bleno does that this module works around (design.md, "What the stacks do"):
// - bleno is a process-wide singleton, and its hci-socket bindings, Hci and Mgmt are module-level
//   instances that open their sockets while being required. Each load therefore gets fresh copies of
//   bleno's modules (its require-cache entries are dropped first) with the transport's sockets injected.
// - On macOS lib/bleno.js picks the platform bindings; for an HCI transport we hand it the
//   hci-socket bindings instead.
// - Its init adds SIGINT/exit handlers that exit the process; we take them out.
// - Its Hci polls isDevUp() every second forever; close() ends that loop.
import { createRequire } from 'node:module';
import path from 'node:path';
import { injectHciSocket, withTransportSockets } from '../common/hci/socket-injection.js';
import type { HciTransport } from '../common/hci/transport.js';
import { runRemovingProcessListeners } from '../common/util/process-listeners.js';
import { waitForEvent } from '../common/util/wait.js';

export type Bleno = typeof import('@abandonware/bleno');

const require = createRequire(import.meta.url);
export const BLENO_VERSION_PINNED = '0.6.2';
const BLENO_PKG = require.resolve('@abandonware/bleno/package.json');
const BLENO_DIR = path.dirname(BLENO_PKG) + path.sep;
const BLENO_HCI_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/hci.js');
const BLENO_HCI_BINDINGS_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/bindings.js');
const BLENO_MAC_BINDINGS_FILE = path.join(BLENO_DIR, 'lib', 'mac', 'bindings.js');

/** The parts of bleno's hci-socket bindings this module relies on. */
export interface BlenoInternals {
  bindings: {
    _hci: {
      _socket: { stop(): void };
      pollIsDevUp: () => void;
      _mainHandle: number | null;
    };
    _handle: number | null;
    _aclStream: unknown;
    _advertising: boolean;
    disconnect(): void;
  };
  mgmt: { _socket: { stop(): void }; _ltkInfos: Buffer[] };
}

export class BlenoLoadError extends Error {
  readonly code = 'BLENO_LOAD';
}

export interface LoadedBleno {
  bleno: Bleno;
  transport: HciTransport;
  version: string;
  internals: BlenoInternals;
  /** Stops advertising, drops the link, ends bleno's poll loop and its sockets. The transport stays open. */
  close(): Promise<void>;
}

export function blenoVersion(): string {
  return (require(BLENO_PKG) as { version: string }).version;
}

let loaded: LoadedBleno | undefined;

function dropBlenoModules(): void {
  for (const key of Object.keys(require.cache)) if (key.startsWith(BLENO_DIR)) delete require.cache[key];
}

/** bleno is a singleton: one loaded instance per process at a time (close the previous one first). */
export async function loadBleno(transport: HciTransport, options: { timeoutMs?: number } = {}): Promise<LoadedBleno> {
  if (loaded) throw new BlenoLoadError('bleno is already loaded in this process: close it before loading another');
  dropBlenoModules();
  if (!injectHciSocket(BLENO_HCI_FILE)) {
    throw new BlenoLoadError('bleno was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }

  const bleno = withTransportSockets(transport, () => {
    if (process.platform === 'darwin') {
      // lib/bleno.js requires ./mac/bindings on macOS: give it the hci-socket bindings under that name.
      const hciBindings = require(BLENO_HCI_BINDINGS_FILE) as unknown;
      require.cache[BLENO_MAC_BINDINGS_FILE] = {
        id: BLENO_MAC_BINDINGS_FILE,
        filename: BLENO_MAC_BINDINGS_FILE,
        loaded: true,
        exports: hciBindings,
        children: [],
        paths: [],
      } as unknown as NodeJS.Module;
    }
    return require('@abandonware/bleno') as Bleno;
  });
  const internals: BlenoInternals = {
    bindings: require(BLENO_HCI_BINDINGS_FILE) as BlenoInternals['bindings'],
    mgmt: require(path.join(BLENO_DIR, 'lib', 'hci-socket', 'mgmt.js')) as BlenoInternals['mgmt'],
  };

  // The first stateChange listener runs bindings.init() (binds and starts the socket).
  runRemovingProcessListeners(() => {
    bleno.on('stateChange', () => {});
  });
  const powered = waitForEvent<[string]>(bleno as unknown as NodeJS.EventEmitter, 'stateChange', {
    what: `bleno to power on over ${transport.label}`,
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (s) => s === 'poweredOn',
  });
  try {
    await powered;
  } catch (err) {
    shutdown(internals);
    dropBlenoModules();
    throw err;
  }

  let closed = false;
  const handle: LoadedBleno = {
    bleno,
    transport,
    version: blenoVersion(),
    internals,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        bleno.stopAdvertising();
      } catch {
        /* not advertising */
      }
      try {
        internals.bindings.disconnect();
      } catch {
        /* no link */
      }
      shutdown(internals);
      bleno.removeAllListeners();
      dropBlenoModules();
      if (loaded === handle) loaded = undefined;
    },
  };
  loaded = handle;
  return handle;
}

function shutdown(internals: BlenoInternals): void {
  internals.bindings._hci.pollIsDevUp = () => {};
  internals.bindings._hci._socket.stop();
  internals.mgmt._socket.stop();
}
