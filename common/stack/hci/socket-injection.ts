// How a transport's socket reaches noble and bleno: both do
//   const BluetoothHciSocket = require('@abandonware/bluetooth-hci-socket'); ... new BluetoothHciSocket()
// so, before they load, the module they resolve is replaced (in require's cache) by a constructor
// that returns the socket of the transport being set up at that moment. Each `new` is one socket.
import { createRequire } from 'node:module';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import type { HciSocketApi } from './socket-api.js';
import type { HciTransport } from './transport.js';

const HCI_SOCKET_MODULE = '@abandonware/bluetooth-hci-socket';

let currentFactory: (() => HciSocketApi) | undefined;

export class NoTransportSelectedError extends BlebenchError {
  readonly code = 'NO_TRANSPORT_SELECTED';
  constructor() {
    super('blebench: a Bluetooth library opened an HCI socket outside openTransport(): this is a bug in blebench');
  }
}

/** Constructible: `new InjectedHciSocket()` returns the current transport's socket. */
function InjectedHciSocket(): HciSocketApi {
  if (!currentFactory) throw new NoTransportSelectedError();
  return currentFactory();
}

/** Where `fromFile` (a file inside noble or bleno) resolves the HCI socket module. */
export function resolveHciSocketModule(fromFile: string): string {
  return createRequire(fromFile).resolve(HCI_SOCKET_MODULE);
}

/**
 * Puts the injected constructor in place for code in `fromFile`'s package. Returns false when the real
 * module was loaded there already (then the library would bypass the seam: the loader must refuse).
 */
export function injectHciSocket(fromFile: string): boolean {
  const req = createRequire(fromFile);
  const resolved = req.resolve(HCI_SOCKET_MODULE);
  const cached = req.cache[resolved];
  if (cached) return cached.exports === InjectedHciSocket;
  // A minimal Module record: require() only reads `exports` and `loaded` from cached entries.
  req.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: InjectedHciSocket, children: [], paths: [] } as unknown as NodeJS.Module;
  return true;
}

/**
 * Runs `fn` (which constructs library objects synchronously) with `transport` supplying every socket.
 * `inbound`: what the library gets in place of a packet from the controller (undefined: the packet as it
 * is), for a stack that cannot parse an event its controller may send (the loaders say which, and why).
 */
export function withTransportSockets<T>(transport: HciTransport, fn: () => T, inbound?: (packet: Buffer) => Buffer | undefined): T {
  const previous = currentFactory;
  currentFactory = () => {
    const socket = transport.createSocket();
    if (inbound) {
      const emit = socket.emit.bind(socket);
      socket.emit = (event: string | symbol, ...args: unknown[]) => (event === 'data' && Buffer.isBuffer(args[0]) ? emit('data', inbound(args[0]) ?? args[0]) : emit(event, ...args));
    }
    return socket;
  };
  try {
    return fn();
  } finally {
    currentFactory = previous;
  }
}
