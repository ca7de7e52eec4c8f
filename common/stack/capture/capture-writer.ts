// Whole-file writer for btsnoop (datalinks 1001, 1002, 2001), PacketLogger (either byte order) and pcapng (link
// type 201, or 254 for Linux monitor records): HCI packets and notes in, a file Wireshark and btmon read out.
// Buffered in 64 KiB chunks, written synchronously: memory stays flat whatever the length. The record bytes
// come from record-encode.ts, which the tap's live writer (common/stack/trace/btsnoop-writer.ts) uses too.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { HciRecord, NoteRecord } from './capture-record.js';
import { encodeHci, encodeHeader, encodeNote, type WriteFormat } from './record-encode.js';

export { WRITE_FORMATS, formatFromExtension, type WriteFormat } from './record-encode.js';

const CHUNK = 64 * 1024;

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
    this.put(encodeHeader(format));
  }

  /** One HCI packet (H4, indicator first) or note. */
  write(r: Pick<HciRecord, 'type' | 'dir' | 'packet' | 'unixMs' | 'controller'> | Pick<NoteRecord, 'type' | 'text' | 'unixMs' | 'controller'>): void {
    const us = Math.round(r.unixMs * 1000);
    if (r.type === 'note') {
      const b = encodeNote(this.format, r.text, us, r.controller);
      if (!b) {
        this.notesDropped++;
        return;
      }
      this.put(b);
    } else {
      const b = encodeHci(this.format, r.dir, r.packet, us, r.controller);
      if (!b) return;
      this.put(b);
    }
    this.written++;
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
