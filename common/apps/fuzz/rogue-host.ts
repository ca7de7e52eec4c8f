// The rogue: a raw HCI host of our own on a virtual controller, with no stack above it. It opens a
// link to the role under test (or takes one), sends whatever L2CAP frames it is given (lying Length
// fields and tiny fragments included) under the controller's flow control, and reassembles what
// comes back. Core v5.4 Vol 4 Part E 4.1 (flow control), 5.4.2 (ACL), Vol 3 Part A 3.1 (L2CAP).
import { EventEmitter } from 'node:events';
import { addressToWire } from '../../stack/air/bytes.js';
import type { VirtualController } from '../../stack/air/controller.js';
import { ACL_PB, EVT, H4, HCI_STATUS, LE_EVT, OP } from '../../base/codes/hci.js';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import { L2CAP_HEADER_LENGTH } from '../../base/codes/l2cap.js';
import { waitForEvent } from '../../base/util/wait.js';
import type { L2capFrame } from './fuzz-case.js';
import { hex } from '../../base/codes/code-table.js';
import { formatAddressOctets } from '../../base/output/format.js';

const ACL_HEADER_LENGTH = 5; // indicator, handle+flags, length
const HANDLE_MASK = 0x0fff;
const PB_SHIFT = 12;
const EVENT_MASK_ALL = Buffer.alloc(8, 0xff);
/** LE Connection Complete, Advertising Report, Connection Update Complete, LTK Request... (not Enhanced). Vol 4 Part E 7.8.1. */
const LE_EVENT_MASK = Buffer.from([0xff, 0x01, 0, 0, 0, 0, 0, 0]);
/** LE Create Connection with a 30 ms scan and a 7.5-50 ms connection interval; supervision timeout 720 ms. Vol 4 Part E 7.8.12. */
const CONNECTION_PARAMETERS = { scanInterval: 0x0060, scanWindow: 0x0030, intervalMin: 0x0006, intervalMax: 0x0028, latency: 0, supervisionTimeout: 0x0048 } as const;
const ADVERTISING_INTERVAL = 0x0020; // 20 ms
/** LE Set Advertising Parameters: 15 octets; Advertising_Channel_Map at 13 (37, 38 and 39: 0x07). Vol 4 Part E 7.8.5. */
const ADVERTISING_PARAMETERS = { LENGTH: 15, CHANNEL_MAP_AT: 13, ALL_CHANNELS: 0x07 } as const;
/** LE Create Connection: 25 octets. Vol 4 Part E 7.8.12. */
const CREATE_CONNECTION_LENGTH = 25;
const ADV_DATA_LENGTH = 31;

export class RogueError extends BlebenchError {
  constructor(
    readonly code: 'ROGUE_COMMAND_FAILED' | 'ROGUE_NOT_CONNECTED',
    message: string,
  ) {
    super(message);
    this.name = 'RogueError';
  }
}

interface Reassembly {
  cid: number;
  need: number;
  parts: Buffer[];
  have: number;
}

/**
 * Events: 'l2cap' (handle, cid, payload), 'connected' (handle, peerAddress), 'disconnected'
 * (handle, reason), 'event' (raw H4 event).
 */
export class RogueHost extends EventEmitter {
  readonly links = new Set<number>();
  private credits: number;
  /** ACL packets sent per handle and not yet reported completed: freed when the link goes (Vol 4 Part E 4.3). */
  private readonly inFlight = new Map<number, number>();
  private readonly rx = new Map<number, Reassembly>();
  private readonly bufferSize: number;

  constructor(readonly controller: VirtualController) {
    super();
    this.setMaxListeners(0);
    this.bufferSize = controller.options.aclBufferSize;
    this.credits = controller.options.aclBufferCount;
    controller.on('packet', (p: Buffer) => this.receive(p));
  }

  get address(): string {
    return this.controller.address;
  }

  async init(timeoutMs: number): Promise<void> {
    await this.ok(OP.RESET, Buffer.alloc(0), timeoutMs);
    this.credits = this.controller.options.aclBufferCount;
    this.inFlight.clear();
    await this.ok(OP.SET_EVENT_MASK, EVENT_MASK_ALL, timeoutMs);
    await this.ok(OP.LE_SET_EVENT_MASK, LE_EVENT_MASK, timeoutMs);
  }

  /** As central: LE Create Connection to `peer` (public address); resolves with the handle. */
  async connect(peer: string, timeoutMs: number): Promise<number> {
    const p = CONNECTION_PARAMETERS;
    const params = Buffer.alloc(CREATE_CONNECTION_LENGTH);
    params.writeUInt16LE(p.scanInterval, 0);
    params.writeUInt16LE(p.scanWindow, 2);
    params[4] = 0; // filter policy: the peer address below
    params[5] = 0; // peer address type: public
    addressToWire(peer).copy(params, 6);
    params[12] = 0; // own address type: public
    params.writeUInt16LE(p.intervalMin, 13);
    params.writeUInt16LE(p.intervalMax, 15);
    params.writeUInt16LE(p.latency, 17);
    params.writeUInt16LE(p.supervisionTimeout, 19);
    const connected = waitForEvent<[number, string]>(this, 'connected', { timeoutMs, what: `LE Connection Complete with ${peer}` });
    connected.catch(() => undefined); // handled below; a rejection while a command is pending must not go unhandled
    try {
      await this.ok(OP.LE_CREATE_CONNECTION, params, timeoutMs);
      return (await connected)[0];
    } catch (err) {
      await this.command(OP.LE_CREATE_CONNECTION_CANCEL, Buffer.alloc(0), timeoutMs).catch(() => undefined);
      throw err;
    }
  }

  /** As peripheral: advertise connectable with this data; resolves with the handle once a central connects. */
  async advertiseAndWait(advData: Buffer, scanResponse: Buffer, timeoutMs: number): Promise<number> {
    const connected = waitForEvent<[number, string]>(this, 'connected', { timeoutMs, what: 'a central to connect' });
    connected.catch(() => undefined); // awaited below; a rejection while a command is pending must not go unhandled
    const adv = Buffer.alloc(ADVERTISING_PARAMETERS.LENGTH);
    adv.writeUInt16LE(ADVERTISING_INTERVAL, 0);
    adv.writeUInt16LE(ADVERTISING_INTERVAL, 2);
    adv[ADVERTISING_PARAMETERS.CHANNEL_MAP_AT] = ADVERTISING_PARAMETERS.ALL_CHANNELS;
    await this.ok(OP.LE_SET_ADVERTISING_PARAMETERS, adv, timeoutMs);
    await this.ok(OP.LE_SET_ADVERTISING_DATA, lengthAndData(advData), timeoutMs);
    await this.ok(OP.LE_SET_SCAN_RESPONSE_DATA, lengthAndData(scanResponse), timeoutMs);
    await this.ok(OP.LE_SET_ADVERTISING_ENABLE, Buffer.from([1]), timeoutMs);
    return (await connected)[0];
  }

  async stopAdvertising(timeoutMs: number): Promise<void> {
    await this.command(OP.LE_SET_ADVERTISING_ENABLE, Buffer.from([0]), timeoutMs);
  }

  /** Disconnect (0x13 Remote User Terminated Connection) and wait for Disconnection Complete. */
  async disconnect(handle: number, timeoutMs: number): Promise<void> {
    if (!this.links.has(handle)) return;
    const gone = waitForEvent<[number, number]>(this, 'disconnected', { timeoutMs, what: `Disconnection Complete for ${hex(handle, 4)}`, pred: (h) => h === handle });
    gone.catch(() => undefined); // awaited below
    const params = Buffer.alloc(3);
    params.writeUInt16LE(handle, 0);
    params[2] = HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION;
    const status = await this.command(OP.DISCONNECT, params, timeoutMs);
    if (status !== 0) {
      this.links.delete(handle);
      return;
    }
    await gone;
  }

  /** Send one L2CAP frame as ACL fragments, waiting for buffers when the controller has none free. */
  async send(handle: number, frame: L2capFrame, timeoutMs: number): Promise<void> {
    for (const acl of aclPackets(handle, frame, this.bufferSize)) {
      if (!this.links.has(handle)) throw new RogueError('ROGUE_NOT_CONNECTED', `link ${hex(handle, 4)} is gone`);
      while (this.credits === 0) await waitForEvent(this, 'credits', { timeoutMs, what: 'Number Of Completed Packets', rejectOn: [] });
      this.credits--;
      this.inFlight.set(handle, (this.inFlight.get(handle) ?? 0) + 1);
      this.controller.write(acl);
    }
  }

  /** Send a command; resolves with its status (Command Complete or Command Status). */
  async command(opcode: number, params: Buffer, timeoutMs: number): Promise<number> {
    const answer = waitForEvent<[number, number]>(this, 'command-answer', { timeoutMs, what: `the answer to HCI command ${hex(opcode, 4)}`, pred: (op) => op === opcode });
    this.controller.write(Buffer.concat([Buffer.from([H4.COMMAND, opcode & 0xff, opcode >> 8, params.length]), params]));
    return (await answer)[1];
  }

  private async ok(opcode: number, params: Buffer, timeoutMs: number): Promise<void> {
    const status = await this.command(opcode, params, timeoutMs);
    if (status !== 0) throw new RogueError('ROGUE_COMMAND_FAILED', `HCI command ${hex(opcode, 4)} failed with status ${hex(status)}`);
  }

  private receive(p: Buffer): void {
    if (p[0] === H4.EVENT) this.event(p);
    else if (p[0] === H4.ACL && p.length >= ACL_HEADER_LENGTH) this.acl(p);
  }

  private event(p: Buffer): void {
    this.emit('event', p);
    const code = p[1];
    const params = p.subarray(3);
    if (code === EVT.COMMAND_COMPLETE) this.emit('command-answer', params.readUInt16LE(1), params[3] ?? 0);
    else if (code === EVT.COMMAND_STATUS) this.emit('command-answer', params.readUInt16LE(2), params[0]);
    else if (code === EVT.NUMBER_OF_COMPLETED_PACKETS) {
      const n = params[0] ?? 0;
      for (let i = 0; i < n && params.length >= 5 + 4 * i; i++) {
        const handle = params.readUInt16LE(1 + 4 * i);
        const done = params.readUInt16LE(1 + 4 * i + 2);
        this.credits += done;
        this.inFlight.set(handle, Math.max(0, (this.inFlight.get(handle) ?? 0) - done));
      }
      this.emit('credits');
    } else if (code === EVT.DISCONNECTION_COMPLETE && params[0] === 0) {
      const handle = params.readUInt16LE(1);
      this.links.delete(handle);
      this.rx.delete(handle);
      // The controller flushed what it still held for this link: those buffers are free again.
      this.credits += this.inFlight.get(handle) ?? 0;
      this.inFlight.delete(handle);
      this.emit('credits');
      this.emit('disconnected', handle, params[3]);
    } else if (code === EVT.LE_META && (params[0] === LE_EVT.CONNECTION_COMPLETE || params[0] === LE_EVT.ENHANCED_CONNECTION_COMPLETE) && params[1] === 0) {
      const handle = params.readUInt16LE(2);
      this.links.add(handle);
      this.emit('connected', handle, addressOf(params.subarray(6, 12)));
    }
  }

  private acl(p: Buffer): void {
    const hf = p.readUInt16LE(1);
    const handle = hf & HANDLE_MASK;
    const data = p.subarray(ACL_HEADER_LENGTH);
    if ((hf >> PB_SHIFT) !== ACL_PB.CONTINUING) {
      if (data.length < L2CAP_HEADER_LENGTH) return void this.rx.delete(handle);
      this.rx.set(handle, { cid: data.readUInt16LE(2), need: data.readUInt16LE(0), parts: [data.subarray(L2CAP_HEADER_LENGTH)], have: data.length - L2CAP_HEADER_LENGTH });
    } else {
      const r = this.rx.get(handle);
      if (!r) return;
      r.parts.push(data);
      r.have += data.length;
    }
    const r = this.rx.get(handle)!;
    if (r.have < r.need) return;
    this.rx.delete(handle);
    this.emit('l2cap', handle, r.cid, Buffer.concat(r.parts).subarray(0, r.need));
  }
}

/** One L2CAP frame (its Length field as the frame says, true or not) as H4 ACL packets of at most `bufferSize` octets. */
export function aclPackets(handle: number, frame: L2capFrame, bufferSize: number): Buffer[] {
  const header = Buffer.alloc(L2CAP_HEADER_LENGTH);
  header.writeUInt16LE(frame.lengthField ?? frame.payload.length, 0);
  header.writeUInt16LE(frame.cid, 2);
  const pdu = Buffer.concat([header, frame.payload]);
  const size = Math.max(1, Math.min(frame.fragmentSize ?? bufferSize, bufferSize));
  const out: Buffer[] = [];
  for (let off = 0; off < pdu.length; off += size) {
    const chunk = pdu.subarray(off, off + size);
    const acl = Buffer.alloc(ACL_HEADER_LENGTH + chunk.length);
    acl[0] = H4.ACL;
    acl.writeUInt16LE((handle & HANDLE_MASK) | ((off === 0 ? ACL_PB.FIRST_NON_FLUSHABLE : ACL_PB.CONTINUING) << PB_SHIFT), 1);
    acl.writeUInt16LE(chunk.length, 3);
    chunk.copy(acl, ACL_HEADER_LENGTH);
    out.push(acl);
  }
  return out;
}

function lengthAndData(data: Buffer): Buffer {
  const out = Buffer.alloc(1 + ADV_DATA_LENGTH);
  const d = data.subarray(0, ADV_DATA_LENGTH);
  out[0] = d.length;
  d.copy(out, 1);
  return out;
}

function addressOf(wire: Buffer): string {
  return formatAddressOctets(wire);
}
