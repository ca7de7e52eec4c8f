// What a transport is to everyone above the seam: the sockets it makes for noble and bleno, its tap,
// its kernel share, its close. Each kind (kernel-transport.ts, link-transport.ts, os-transport.ts)
// implements it; transport.ts opens the one a spec names.
import type { EventEmitter } from 'node:events';
import type { Tap } from '../trace/tap.js';
import type { KernelShare } from './kernel-share.js';
import type { HciSocketApi } from './socket-api.js';
import type { TransportError } from './transport-errors.js';
import type { TransportSpec } from './transport-spec.js';

export interface HciTransportEvents {
  /** The transport closed: `undefined` when we closed it, a TransportError when the controller went away. */
  close: [TransportError | undefined];
}

export interface HciTransport extends EventEmitter<HciTransportEvents> {
  readonly spec: TransportSpec;
  readonly label: string;
  readonly tap: Tap;
  /**
   * Whether the tap sees the HCI traffic. False only for `os`: the platform stack keeps HCI to itself,
   * so every fact comes from noble's/bleno's API, none from the air.
   */
  readonly tapAvailable: boolean;
  /** Present where the transport does the kernel's share itself. */
  readonly kernelShare: KernelShare | undefined;
  readonly isOpen: boolean;
  /** A fresh socket with bluetooth-hci-socket's API, bound to this transport's controller. */
  createSocket(): HciSocketApi;
  close(): Promise<void>;
}
