// What a transport is to everyone above the seam: the sockets it makes for noble and bleno, its tap,
// its kernel share, its close. Each kind (kernel-transport.ts, link-transport.ts, os-transport.ts)
// implements it; transport.ts opens the one a spec names.
import type { EventEmitter } from 'node:events';
import type { Tap } from '../trace/tap.js';
import type { KernelShare } from './kernel-share.js';
import type { HostPrivacy, HostPrivacySettings, ResolvingPeer } from './host-privacy.js';
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
  /**
   * Privacy as the host's share (host-privacy.ts), where this process drives the controller itself
   * (mock, h4:, hci-user:, usb, serial); absent where a kernel or OS stack owns the address.
   */
  enablePrivacy?(settings: Omit<HostPrivacySettings, 'clock'>, peers?: readonly ResolvingPeer[]): HostPrivacy;
  addResolvingPeer?(peer: ResolvingPeer): void;
  /** Privacy from now on under this local IRK (MSB-first), the resolving list emptied (host-privacy.ts newIdentity). */
  newPrivacyIdentity?(irk: Buffer): void;
  readonly isOpen: boolean;
  /** A fresh socket with bluetooth-hci-socket's API, bound to this transport's controller. */
  createSocket(): HciSocketApi;
  close(): Promise<void>;
}
