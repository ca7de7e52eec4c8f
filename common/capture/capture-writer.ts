// Writers for btsnoop (datalinks 1001, 1002, 2001), PacketLogger (either byte order) and pcapng (link type 201,
// or 254 for Linux monitor records): HCI packets and notes in, a file Wireshark and btmon read out. Buffered in
// 64 KiB chunks, written synchronously: memory stays flat whatever the length.
import { closeSync, openSync, writeSync } from 'node:fs';
import { BTSNOOP_DATALINK, LINKTYPE, MONITOR_OP, PCAPNG_BLOCK, PCAPNG_BYTE_ORDER_MAGIC, PKLG_HEADER_AFTER_LENGTH, PKLG_TYPE } from '../codes/capture.js';
import { BTSNOOP_EPOCH_OFFSET_US, BTSNOOP_FLAG_COMMAND_OR_EVENT, BTSNOOP_FLAG_RECEIVED, BTSNOOP_MAGIC, BTSNOOP_RECORD_HEADER_LENGTH } from '../trace/btsnoop-format.js';
import { kindOfH4, type HciRecord, type NoteRecord } from './capture-record.js';
import { monitorOpOf } from './monitor.js';
import { pklgTypeOf } from './pklg-read.js';

export type WriteFormat = 'btsnoop-1001' | 'btsnoop-1002' | 'btsnoop-2001' | 'pklg' | 'pklg-be' | 'pcapng' | 'pcapng-254';
export const WRITE_FORMATS: readonly WriteFormat[] = ['btsnoop-1001', 'btsnoop-1002', 'btsnoop-2001', 'pklg', 'pklg-be', 'pcapng', 'pcapng-254'];

const CHUNK = 64 * 1024;
const EPOCH_HI = Number(BTSNOOP_EPOCH_OFFSET_US >> 32n);
const EPOCH_LO = Number(BTSNOOP_EPOCH_OFFSET_US & 0xffffffffn);
const TWO32 = 0x1_0000_0000;

export class CaptureWriter {
  /** Records written. */
  written = 0;
  /** Notes the format has no place for (btsnoop 1001/1002, pcapng 201). */
  notesDropped = 0;
  private fd: number;
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  constructor(
    readonly path: string,
    readonly format: WriteFormat,
  ) {
    this.fd = openSync(path, 'w', 0o644);
    this.put(this.header());
  }

  private header(): Buffer {
    if (this.format.startsWith('btsnoop')) {
      const h = Buffer.alloc(16);
      BTSNOOP_MAGIC.copy(h, 0);
      h.writeUInt32BE(1, 8);
      h.writeUInt32BE(this.format === 'btsnoop-1001' ? BTSNOOP_DATALINK.H1 : this.format === 'btsnoop-1002' ? BTSNOOP_DATALINK.H4 : BTSNOOP_DATALINK.MONITOR, 12);
      return h;
    }
    if (this.format.startsWith('pcapng')) {
      // Section Header Block (little-endian, version 1.0, section length unknown), then one Interface Description Block.
      const shb = Buffer.alloc(28);
      shb.writeUInt32LE(PCAPNG_BLOCK.SECTION_HEADER, 0);
      shb.writeUInt32LE(28, 4);
      shb.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, 8);
      shb.writeUInt16LE(1, 12);
      shb.writeUInt16LE(0, 14);
      shb.writeBigInt64LE(-1n, 16);
      shb.writeUInt32LE(28, 24);
      const idb = Buffer.alloc(20);
      idb.writeUInt32LE(PCAPNG_BLOCK.INTERFACE_DESCRIPTION, 0);
      idb.writeUInt32LE(20, 4);
      idb.writeUInt16LE(this.format === 'pcapng-254' ? LINKTYPE.BLUETOOTH_LINUX_MONITOR : LINKTYPE.BLUETOOTH_HCI_H4_WITH_PHDR, 8);
      idb.writeUInt32LE(0, 12); // snap length: no limit
      idb.writeUInt32LE(20, 16);
      return Buffer.concat([shb, idb]);
    }
    return Buffer.alloc(0); // PacketLogger has no file header
  }

  /** One HCI packet (H4, indicator first) or note. */
  write(r: Pick<HciRecord, 'type' | 'dir' | 'packet' | 'unixMs' | 'controller'> | Pick<NoteRecord, 'type' | 'text' | 'unixMs' | 'controller'>): void {
    if (r.type === 'note') {
      this.note(r.text, r.unixMs, r.controller);
      return;
    }
    const kind = kindOfH4(r.packet[0]);
    if (!kind) return;
    const hci = r.packet.subarray(1);
    const us = Math.round(r.unixMs * 1000);
    switch (this.format) {
      case 'btsnoop-1001':
      case 'btsnoop-1002': {
        const flags = (r.dir === 'rx' ? BTSNOOP_FLAG_RECEIVED : 0) | (kind === 'command' || kind === 'event' ? BTSNOOP_FLAG_COMMAND_OR_EVENT : 0);
        if (this.format === 'btsnoop-1001' && kind !== 'command' && kind !== 'event' && kind !== 'acl') return; // 1001 cannot say SCO/ISO
        this.btsnoop(flags, us, this.format === 'btsnoop-1001' ? hci : r.packet);
        break;
      }
      case 'btsnoop-2001':
        this.btsnoop((r.controller << 16) | monitorOpOf(kind, r.dir), us, hci);
        break;
      case 'pklg':
      case 'pklg-be':
        this.pklg(pklgTypeOf(kind, r.dir), us, hci);
        break;
      case 'pcapng': {
        const dir = Buffer.alloc(4);
        dir.writeUInt32BE(r.dir === 'rx' ? 1 : 0, 0);
        this.epb(us, [dir, r.packet]);
        break;
      }
      case 'pcapng-254':
        this.epb(us, [monitorHeader(r.controller, monitorOpOf(kind, r.dir)), hci]);
        break;
    }
    this.written++;
  }

  private note(text: string, unixMs: number, controller: number): void {
    const us = Math.round(unixMs * 1000);
    const t = Buffer.from(text + '\0', 'utf8');
    if (this.format === 'btsnoop-2001') this.btsnoop((controller << 16) | MONITOR_OP.SYSTEM_NOTE, us, t);
    else if (this.format === 'pklg' || this.format === 'pklg-be') this.pklg(PKLG_TYPE.NOTE, us, t);
    else if (this.format === 'pcapng-254') this.epb(us, [monitorHeader(controller, MONITOR_OP.SYSTEM_NOTE), t]);
    else {
      this.notesDropped++;
      return;
    }
    this.written++;
  }

  private btsnoop(flags: number, us: number, data: Buffer): void {
    const h = Buffer.allocUnsafe(BTSNOOP_RECORD_HEADER_LENGTH);
    h.writeUInt32BE(data.length, 0);
    h.writeUInt32BE(data.length, 4);
    h.writeUInt32BE(flags >>> 0, 8);
    h.writeUInt32BE(0, 12);
    // µs since 0 AD, in 32-bit halves so the sum stays exact.
    const usHi = Math.floor(us / TWO32);
    let lo = EPOCH_LO + (us - usHi * TWO32);
    let hi = EPOCH_HI + usHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    h.writeUInt32BE(hi >>> 0, 16);
    h.writeUInt32BE(lo >>> 0, 20);
    this.put(h);
    this.put(data);
  }

  private pklg(type: number, us: number, data: Buffer): void {
    const h = Buffer.allocUnsafe(4 + PKLG_HEADER_AFTER_LENGTH);
    const secs = Math.floor(us / 1e6);
    const micros = us - secs * 1e6;
    if (this.format === 'pklg-be') {
      h.writeUInt32BE(PKLG_HEADER_AFTER_LENGTH + data.length, 0);
      h.writeUInt32BE(secs, 4);
      h.writeUInt32BE(micros, 8);
    } else {
      h.writeUInt32LE(PKLG_HEADER_AFTER_LENGTH + data.length, 0);
      h.writeUInt32LE(secs, 4);
      h.writeUInt32LE(micros, 8);
    }
    h[12] = type;
    this.put(h);
    this.put(data);
  }

  /** Enhanced Packet Block on interface 0, µs timestamps (the default if_tsresol). */
  private epb(us: number, parts: Buffer[]): void {
    const len = parts.reduce((n, p) => n + p.length, 0);
    const pad = (4 - (len % 4)) % 4;
    const total = 32 + len + pad;
    const h = Buffer.allocUnsafe(28);
    h.writeUInt32LE(PCAPNG_BLOCK.ENHANCED_PACKET, 0);
    h.writeUInt32LE(total, 4);
    h.writeUInt32LE(0, 8);
    h.writeUInt32LE(Math.floor(us / 0x1_0000_0000), 12);
    h.writeUInt32LE(us % 0x1_0000_0000, 16);
    h.writeUInt32LE(len, 20);
    h.writeUInt32LE(len, 24);
    this.put(h);
    for (const p of parts) this.put(p);
    const t = Buffer.alloc(pad + 4);
    t.writeUInt32LE(total, pad);
    this.put(t);
  }

  private put(b: Buffer): void {
    if (this.used + b.length > this.chunk.length) this.flush();
    if (b.length > this.chunk.length) {
      writeSync(this.fd, b);
      return;
    }
    b.copy(this.chunk, this.used);
    this.used += b.length;
  }

  private flush(): void {
    if (this.used) writeSync(this.fd, this.chunk, 0, this.used);
    this.used = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

function monitorHeader(controller: number, op: number): Buffer {
  const h = Buffer.allocUnsafe(4);
  h.writeUInt16BE(controller, 0);
  h.writeUInt16BE(op, 2);
  return h;
}

/** The format a file name asks for: .pklg → PacketLogger, .pcapng → pcapng, anything else btsnoop. */
export function formatFromExtension(path: string, monitor: boolean): WriteFormat {
  const p = path.toLowerCase();
  if (p.endsWith('.pklg')) return 'pklg';
  if (p.endsWith('.pcapng')) return monitor ? 'pcapng-254' : 'pcapng';
  return monitor ? 'btsnoop-2001' : 'btsnoop-1002';
}
