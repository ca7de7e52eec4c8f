// The seam: the object noble and bleno talk to, with @abandonware/bluetooth-hci-socket's API.
// One whole H4 packet (indicator byte first) per write() and per 'data' event.
import type { EventEmitter } from 'node:events';

export interface HciDeviceInfo {
  devId: number | null;
  devUp: boolean | null;
  idVendor: number | null;
  idProduct: number | null;
  busNumber: number | null;
  deviceAddress: number | null;
}

export interface HciSocketApi extends EventEmitter {
  bindRaw(devId?: number, params?: unknown): number;
  bindUser(devId?: number, params?: unknown): number;
  bindControl(): number;
  start(): void;
  stop(): void;
  write(packet: Buffer): void;
  isDevUp(): boolean;
  setFilter(filter: Buffer): void;
  getDeviceList(): HciDeviceInfo[];
  reset?(): void;
}

/** A controller reachable as H4 packets: the virtual controller, a stream, a native socket. */
export interface H4Link {
  /** Send one whole H4 packet to the controller. */
  send(packet: Buffer): void;
  /** Called with one whole H4 packet from the controller. */
  onPacket(listener: (packet: Buffer) => void): void;
  /** Called once when the controller is gone (stream closed, device removed). */
  onClose(listener: (error?: Error) => void): void;
  /** May resolve later when the device takes time to let go (a serial port's lock). */
  close(): void | Promise<void>;
}
