// A tiny raw H4 test host: sends commands and ACL, records every packet, and awaits events by
// predicate with a timeout (never sleeps as synchronisation).
import type net from 'node:net';
import { EVT, H4 } from '../../../common/base/codes/hci.js';
import { H4Framer } from '../../../common/stack/h4/h4-framer.js';
import type { VirtualController } from '../../../common/stack/air/index.js';

export interface H4Endpoint {
  write(packet: Buffer): void;
  onPacket(listener: (packet: Buffer) => void): void;
}

export function controllerEndpoint(c: VirtualController): H4Endpoint {
  return { write: (p) => c.write(p), onPacket: (l) => void c.on('packet', l) };
}

export function socketEndpoint(socket: net.Socket): H4Endpoint {
  const framer = new H4Framer();
  const listeners: Array<(p: Buffer) => void> = [];
  socket.on('data', (chunk: Buffer) => {
    for (const p of framer.push(chunk)) for (const l of listeners) l(p);
  });
  return { write: (p) => void socket.write(p), onPacket: (l) => void listeners.push(l) };
}

export interface HciEvent {
  code: number;
  /** Event parameters (after code and length). */
  params: Buffer;
  /** LE Meta subevent code, if an LE Meta event. */
  subevent?: number;
  /** LE Meta parameters after the subevent code. */
  le: Buffer;
  raw: Buffer;
}

export interface AclIn {
  handle: number;
  pb: number;
  data: Buffer;
  raw: Buffer;
}

export interface CommandResult {
  kind: 'complete' | 'status';
  status: number;
  /** Return parameters after Status (Command Complete only). */
  ret: Buffer;
  event: HciEvent;
}

interface Waiter {
  match: (p: Buffer) => boolean;
  resolve: (p: Buffer) => void;
}

export const DEFAULT_WAIT_MS = 2000;

export class TestHost {
  readonly events: HciEvent[] = [];
  readonly acl: AclIn[] = [];
  readonly packets: Buffer[] = [];
  private waiters: Waiter[] = [];

  constructor(
    readonly endpoint: H4Endpoint,
    readonly name = 'host',
  ) {
    endpoint.onPacket((p) => this.receive(p));
  }

  private receive(p: Buffer): void {
    this.packets.push(p);
    if (p[0] === H4.EVENT) this.events.push(parseEvent(p));
    else if (p[0] === H4.ACL) {
      const hf = p.readUInt16LE(1);
      this.acl.push({ handle: hf & 0x0fff, pb: (hf >> 12) & 3, data: p.subarray(5), raw: p });
    }
    for (const w of [...this.waiters]) {
      if (w.match(p)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(p);
      }
    }
  }

  /** Index to pass as `since` so a wait only looks at what arrives from now on. */
  mark(): number {
    return this.events.length;
  }

  send(packet: Buffer): void {
    this.endpoint.write(packet);
  }

  /** Send a command; resolve with its Command Complete or Command Status. */
  async command(opcode: number, params: Buffer | number[] = [], timeoutMs = DEFAULT_WAIT_MS): Promise<CommandResult> {
    const body = Buffer.isBuffer(params) ? params : Buffer.from(params);
    const since = this.mark();
    this.send(Buffer.concat([Buffer.from([H4.COMMAND, opcode & 0xff, opcode >> 8, body.length]), body]));
    const e = await this.waitEvent((ev) => commandOpcode(ev) === opcode, `answer to command 0x${opcode.toString(16)}`, { since, timeoutMs });
    return e.code === EVT.COMMAND_COMPLETE
      ? { kind: 'complete', status: e.params[3]!, ret: e.params.subarray(4), event: e }
      : { kind: 'status', status: e.params[0]!, ret: Buffer.alloc(0), event: e };
  }

  /** Like command() but fails the test unless status is 0x00. */
  async ok(opcode: number, params: Buffer | number[] = []): Promise<CommandResult> {
    const r = await this.command(opcode, params);
    if (r.status !== 0) throw new Error(`${this.name}: command 0x${opcode.toString(16)} failed with status 0x${r.status.toString(16)}`);
    return r;
  }

  /** First event matching pred at or after index `since` (default: from the start). */
  waitEvent(pred: (e: HciEvent) => boolean, what: string, opts: { since?: number; timeoutMs?: number } = {}): Promise<HciEvent> {
    const since = opts.since ?? 0;
    const found = this.events.slice(since).find(pred);
    if (found) return Promise.resolve(found);
    return this.waitPacket((p) => p[0] === H4.EVENT && pred(parseEvent(p)), what, opts.timeoutMs).then(parseEvent);
  }

  waitLe(subevent: number, what: string, opts: { since?: number; timeoutMs?: number; where?: (e: HciEvent) => boolean } = {}): Promise<HciEvent> {
    return this.waitEvent((e) => e.subevent === subevent && (!opts.where || opts.where(e)), what, opts);
  }

  waitAcl(pred: (a: AclIn) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<AclIn> {
    const found = this.acl.find(pred);
    if (found) return Promise.resolve(found);
    return this.waitPacket(
      (p) => {
        if (p[0] !== H4.ACL) return false;
        const last = this.acl[this.acl.length - 1]!;
        return pred(last);
      },
      what,
      timeoutMs,
    ).then(() => this.acl[this.acl.length - 1]!);
  }

  /** Resolve once every event sent so far by the controller has arrived: a command round trip. */
  async barrier(opcode: number): Promise<void> {
    await this.command(opcode);
  }

  private waitPacket(match: (p: Buffer) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  sendAcl(handle: number, pb: number, data: Buffer): void {
    const h = Buffer.alloc(5);
    h[0] = H4.ACL;
    h.writeUInt16LE((handle & 0x0fff) | (pb << 12), 1);
    h.writeUInt16LE(data.length, 3);
    this.send(Buffer.concat([h, data]));
  }

  eventsOf(code: number, subevent?: number, since = 0): HciEvent[] {
    return this.events.slice(since).filter((e) => e.code === code && (subevent === undefined || e.subevent === subevent));
  }
}

export function parseEvent(p: Buffer): HciEvent {
  const code = p[1]!;
  const params = p.subarray(3);
  return code === EVT.LE_META ? { code, params, subevent: params[0]!, le: params.subarray(1), raw: p } : { code, params, le: Buffer.alloc(0), raw: p };
}

function commandOpcode(e: HciEvent): number | undefined {
  if (e.code === EVT.COMMAND_COMPLETE) return e.params.readUInt16LE(1);
  if (e.code === EVT.COMMAND_STATUS) return e.params.readUInt16LE(2);
  return undefined;
}

/** L2CAP basic frame: length, CID, payload. */
export function l2cap(cid: number, payload: Buffer | number[]): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const h = Buffer.alloc(4);
  h.writeUInt16LE(body.length, 0);
  h.writeUInt16LE(cid, 2);
  return Buffer.concat([h, body]);
}
