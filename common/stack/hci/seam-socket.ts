// The socket object handed to noble and bleno for transports with no kernel in between.
// It behaves as bluetooth-hci-socket's kernel socket does: raw sockets see what their filter
// lets through (and copies of what others send), user-channel sockets see everything,
// control sockets speak the management protocol (answered by the kernel's share).
import { EventEmitter } from 'node:events';
import { filterAccepts, parseHciFilter, type HciFilter } from './socket-filter.js';
import type { HciDeviceInfo, HciSocketApi } from './socket-api.js';

export type SeamSocketMode = 'unbound' | 'raw' | 'user' | 'control';

/** What a seam socket needs from the transport it belongs to. */
export interface SeamHub {
  readonly devId: number;
  isUp(): boolean;
  attach(socket: SeamSocket): void;
  detach(socket: SeamSocket): void;
  fromHost(packet: Buffer, from: SeamSocket): void;
  mgmt(packet: Buffer, from: SeamSocket): void;
}

export class SeamSocket extends EventEmitter implements HciSocketApi {
  mode: SeamSocketMode = 'unbound';
  private filter: HciFilter | undefined;
  private started = false;

  constructor(private readonly hub: SeamHub) {
    super();
  }

  bindRaw(devId?: number): number {
    this.checkDev(devId);
    this.mode = 'raw';
    return this.hub.devId;
  }

  bindUser(devId?: number): number {
    this.checkDev(devId);
    this.mode = 'user';
    return this.hub.devId;
  }

  bindControl(): number {
    this.mode = 'control';
    return 0;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.hub.attach(this);
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.hub.detach(this);
  }

  write(packet: Buffer): void {
    if (this.mode === 'control') this.hub.mgmt(packet, this);
    else if (this.mode !== 'unbound') this.hub.fromHost(packet, this);
  }

  isDevUp(): boolean {
    return this.hub.isUp();
  }

  setFilter(filter: Buffer): void {
    this.filter = parseHciFilter(filter);
  }

  getDeviceList(): HciDeviceInfo[] {
    return [{ devId: this.hub.devId, devUp: this.hub.isUp(), idVendor: null, idProduct: null, busNumber: null, deviceAddress: null }];
  }

  reset(): void {
    /* the native API's reset() only matters for USB; nothing to do on the seam */
  }

  /** Packet from the controller (or echoed from another socket): delivered if this socket would see it. */
  deliver(packet: Buffer): void {
    if (!this.started) return;
    if (this.mode === 'raw' && !filterAccepts(this.filter, packet)) return;
    if (this.mode === 'raw' || this.mode === 'user') this.emit('data', packet);
  }

  /** Management event for a control socket. */
  deliverMgmt(packet: Buffer): void {
    if (this.started && this.mode === 'control') this.emit('data', packet);
  }

  /** The controller is gone: what the kernel socket reports on a downed device. */
  fail(): void {
    if (!this.started || this.listenerCount('error') === 0) return;
    const err = Object.assign(new Error('Network is down'), { code: 'ENETDOWN' });
    this.emit('error', err);
  }

  private checkDev(devId: number | undefined): void {
    if (devId !== undefined && devId !== null && !Number.isNaN(devId) && devId !== this.hub.devId) {
      throw Object.assign(new Error(`No such device: hci${devId} (this transport has only hci${this.hub.devId})`), { code: 'ENODEV' });
    }
  }
}
