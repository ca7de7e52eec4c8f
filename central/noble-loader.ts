// The one module that loads @abandonware/noble (1.9.2-26). Every reach into its internals lives
// here; test/central/noble-loader.test.ts fails loudly when a pinned version changes them.
//
// What noble does that this module works around (design.md, "What the stacks do"):
// - require('@abandonware/noble') builds a singleton that opens the HCI socket at import; we build a
//   fresh instance per transport from lib/noble + lib/hci-socket/bindings instead (the hci-socket
//   bindings on every OS: the platform bindings are the `os` transport's business).
// - The socket it opens is the transport's, injected in place of bluetooth-hci-socket.
// - Its init adds SIGINT/exit handlers that exit the process; we take them out.
// - Its Hci polls isDevUp() every second forever; close() ends that loop.
import { createRequire } from 'node:module';
import type { HciTransport } from '../common/hci/transport.js';
import { injectHciSocket, withTransportSockets } from '../common/hci/socket-injection.js';
import { runRemovingProcessListeners } from '../common/util/process-listeners.js';
import { waitForEvent } from '../common/util/wait.js';

export type Noble = typeof import('@abandonware/noble');
export type NoblePeripheral = import('@abandonware/noble').Peripheral;

const require = createRequire(import.meta.url);
export const NOBLE_VERSION_PINNED = '1.9.2-26';
const NOBLE_PKG = require.resolve('@abandonware/noble/package.json');
const NOBLE_HCI_FILE = require.resolve('@abandonware/noble/lib/hci-socket/hci.js');

/** The parts of noble's hci-socket bindings this module relies on. */
export interface NobleInternals {
  bindings: {
    _hci: {
      _socket: { stop(): void; write(p: Buffer): void };
      pollIsDevUp: () => void;
      _handleBuffers: Record<number, unknown>;
      /** LE Enable Encryption (HCI 0x2019) with the given Rand, EDIV and LTK. */
      startLeEncryption(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void;
    };
    _gatts: Record<number, unknown>;
    _aclStreams: Record<number, { _smp?: unknown }>;
    _handles: Record<string, number | string>;
    disconnect(peripheralUuid: string): void;
  };
}

export class NobleLoadError extends Error {
  readonly code = 'NOBLE_LOAD';
}

export interface LoadedNoble {
  noble: Noble;
  transport: HciTransport;
  version: string;
  internals: NobleInternals;
  /** Stops scanning, drops links, ends noble's poll loop and its socket. The transport stays open. */
  close(): Promise<void>;
}

export interface LoadNobleOptions {
  /** Use the LE extended scanning/connection commands (noble's `extended` option). */
  extended?: boolean;
  /** How long to wait for noble to report poweredOn. */
  timeoutMs?: number;
}

export function nobleVersion(): string {
  return (require(NOBLE_PKG) as { version: string }).version;
}

export async function loadNoble(transport: HciTransport, options: LoadNobleOptions = {}): Promise<LoadedNoble> {
  if (!injectHciSocket(NOBLE_HCI_FILE)) {
    throw new NobleLoadError('noble was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }
  const NobleClass = require('@abandonware/noble/lib/noble.js') as new (bindings: unknown) => Noble;
  const Bindings = require('@abandonware/noble/lib/hci-socket/bindings.js') as new (options: object) => NobleInternals['bindings'];

  const bindings = withTransportSockets(transport, () => new Bindings({ extended: !!options.extended }));
  const noble = new NobleClass(bindings);
  const internals: NobleInternals = { bindings };

  // Reading noble.state the first time runs bindings.init() synchronously (binds and starts the
  // socket); a first stateChange listener would do it on the next tick and swallow its errors.
  runRemovingProcessListeners(() => {
    void (noble as unknown as { state: string }).state;
  });
  const powered = waitForEvent<[string]>(noble as unknown as NodeJS.EventEmitter, 'stateChange', {
    what: `noble to power on over ${transport.label}`,
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (s) => s === 'poweredOn',
  });
  await powered;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      noble.stopScanning();
    } catch {
      /* not scanning */
    }
    // _handles maps both ways (uuid → handle and handle → uuid); the uuid keys are the links.
    for (const [key, handle] of Object.entries(bindings._handles)) {
      if (typeof handle !== 'number' || /^\d+$/.test(key)) continue;
      try {
        bindings.disconnect(key);
      } catch {
        /* gone already */
      }
    }
    bindings._hci.pollIsDevUp = () => {};
    bindings._hci._socket.stop();
  };
  return { noble, transport, version: nobleVersion(), internals, close };
}
