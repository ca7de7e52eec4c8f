// Command parameter builders and the usual set-ups (init a host, advertise, connect a pair).
import { LE_EVT, OP } from '../../../common/base/codes/hci.js';
import { addressToWire, Radio, type VirtualController } from '../../../common/stack/air/index.js';
import { controllerEndpoint, TestHost } from './host.js';

/** Every page-1 event, LE Meta included. */
export const EVENT_MASK_ALL = Buffer.from('ffffffffffffffff', 'hex');
/** LE events 0..8, 11, 12: everything except LE Enhanced Connection Complete (bit 9). */
export const LE_MASK_DEFAULT_TESTS = 0x19ffn;

export function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

export function u16(v: number): number[] {
  return [v & 0xff, v >> 8];
}

export async function initHost(h: TestHost, leMask = LE_MASK_DEFAULT_TESTS): Promise<void> {
  await h.ok(OP.RESET);
  await h.ok(OP.SET_EVENT_MASK, EVENT_MASK_ALL);
  await h.ok(OP.LE_SET_EVENT_MASK, u64(leMask));
}

export function hostFor(c: VirtualController, name: string): TestHost {
  return new TestHost(controllerEndpoint(c), name);
}

export interface AdvOptions {
  type?: number;
  ownAddressType?: number;
  intervalMin?: number;
  intervalMax?: number;
  peerAddressType?: number;
  peerAddress?: string;
  channelMap?: number;
  filterPolicy?: number;
}

export function advParams(o: AdvOptions = {}): Buffer {
  return Buffer.from([
    ...u16(o.intervalMin ?? 0x0020),
    ...u16(o.intervalMax ?? o.intervalMin ?? 0x0020),
    o.type ?? 0x00,
    o.ownAddressType ?? 0x00,
    o.peerAddressType ?? 0x00,
    ...addressToWire(o.peerAddress ?? '00:00:00:00:00:00'),
    o.channelMap ?? 0x07,
    o.filterPolicy ?? 0x00,
  ]);
}

/** Length octet + 31 octets, zero padded. */
export function advData(data: Buffer | number[]): Buffer {
  const d = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const out = Buffer.alloc(32);
  out[0] = d.length;
  d.copy(out, 1);
  return out;
}

export function scanParams(active: boolean, ownAddressType = 0, filterPolicy = 0): Buffer {
  return Buffer.from([active ? 1 : 0, ...u16(0x0010), ...u16(0x0010), ownAddressType, filterPolicy]);
}

export interface ConnOptions {
  peerAddressType?: number;
  ownAddressType?: number;
  filterPolicy?: number;
  intervalMin?: number;
  intervalMax?: number;
  latency?: number;
  timeout?: number;
}

export function createConnection(peer: string, o: ConnOptions = {}): Buffer {
  return Buffer.from([
    ...u16(0x0060),
    ...u16(0x0030),
    o.filterPolicy ?? 0,
    o.peerAddressType ?? 0,
    ...addressToWire(peer),
    o.ownAddressType ?? 0,
    ...u16(o.intervalMin ?? 0x0018),
    ...u16(o.intervalMax ?? 0x0028),
    ...u16(o.latency ?? 0),
    ...u16(o.timeout ?? 0x0048),
    ...u16(0),
    ...u16(0),
  ]);
}

export async function advertise(h: TestHost, o: AdvOptions = {}, data: number[] = [0x02, 0x01, 0x06], scanRsp: number[] = []): Promise<void> {
  await h.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams(o));
  await h.ok(OP.LE_SET_ADVERTISING_DATA, advData(data));
  await h.ok(OP.LE_SET_SCAN_RESPONSE_DATA, advData(scanRsp));
  await h.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
}

export interface Pair {
  radio: Radio;
  central: VirtualController;
  peripheral: VirtualController;
  c: TestHost;
  p: TestHost;
  cHandle: number;
  pHandle: number;
}

/** Two initialised hosts, the peripheral advertising, the central connected to it. */
export async function connectedPair(radio = new Radio({ encryptionTimeoutMs: 300 }), leMask = LE_MASK_DEFAULT_TESTS): Promise<Pair> {
  const central = radio.createController();
  const peripheral = radio.createController();
  const c = hostFor(central, 'central');
  const p = hostFor(peripheral, 'peripheral');
  await initHost(c, leMask);
  await initHost(p, leMask);
  await advertise(p);
  const cs = await c.command(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
  if (cs.status !== 0) throw new Error(`create connection failed 0x${cs.status.toString(16)}`);
  const isComplete = (e: { subevent?: number }) => e.subevent === LE_EVT.CONNECTION_COMPLETE || e.subevent === LE_EVT.ENHANCED_CONNECTION_COMPLETE;
  const cc = await c.waitEvent(isComplete, 'central connection complete');
  const pc = await p.waitEvent(isComplete, 'peripheral connection complete');
  return { radio, central, peripheral, c, p, cHandle: cc.le.readUInt16LE(1), pHandle: pc.le.readUInt16LE(1) };
}
