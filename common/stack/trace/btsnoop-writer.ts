// Buffered live capture writer: records go into 64 KiB chunks written asynchronously at known file offsets,
// flushed on a short timer, on close, and (synchronously) when the process exits, so a capture survives
// process.exit(). No fsync per packet. btsnoop 1002 by default (btsnoop-format.ts, encoded here on the hot
// path); `format` (or the file's extension, .pcapng/.pklg) picks another of common/stack/capture's formats.
import { closeSync, fchmodSync, mkdirSync, openSync, write as fsWrite, close as fsClose, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  BTSNOOP_FLAG_COMMAND_OR_EVENT,
  BTSNOOP_FLAG_RECEIVED,
  BTSNOOP_RECORD_HEADER_LENGTH,
  btsnoopHeader,
} from './btsnoop-format.js';
import type { Direction } from './timeline.js';
import { encodeHci, encodeHeader, formatFromExtension, type WriteFormat } from '../capture/record-encode.js';

export interface BtsnoopWriterOptions {
  /** Chunk size; a chunk is written when full. Default 64 KiB. */
  chunkBytes?: number;
  /** A partly filled chunk is written this long after its first record. Default 200 ms. */
  flushIntervalMs?: number;
  /** The file's format; default from its extension: `.pcapng` (link type 201), `.pklg`, anything else btsnoop 1002. */
  format?: WriteFormat;
}

/** µs since the Unix epoch, from the high-resolution clock. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const TWO32 = 0x1_0000_0000;
// 0x00dcddb30f2f8000 split in two 32-bit halves, so the sum stays exact in doubles.
const EPOCH_HI = 0x00dcddb3;
const EPOCH_LO = 0x0f2f8000;

interface Pending {
  buf: Buffer;
  pos: number;
}

const openWriters = new Set<BtsnoopWriter>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const w of openWriters) w.flushSyncOnExit();
  });
}

export class BtsnoopWriter {
  readonly path: string;
  readonly format: WriteFormat;
  /** Records accepted so far. */
  packets = 0;
  /** The first write error; later writes are dropped and close() rejects with it. */
  error: Error | undefined;

  private fd: number | undefined;
  private readonly chunkBytes: number;
  private readonly flushIntervalMs: number;
  private chunk: Buffer;
  private used = 0;
  private position: number;
  /** Sealed chunks not yet confirmed on disk, in order; the head may be in flight. */
  private readonly queue: Pending[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private drained: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  /** Creates parent folders and the file (mode 0644), writes the header. Throws if the file cannot be created. */
  constructor(path: string, options: BtsnoopWriterOptions = {}) {
    this.path = path;
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.format = options.format ?? formatFromExtension(path, false);
    const header = this.format === 'btsnoop-1002' ? btsnoopHeader() : encodeHeader(this.format);
    this.position = header.length;
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'w', 0o644);
    try {
      fchmodSync(fd, 0o644); // whatever the umask
      if (header.length) writeSync(fd, header, 0, header.length, 0);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    openWriters.add(this);
    installExitHook();
  }

  /** Append one H4 packet. Cheap; never throws. `timestampUs`: µs since the Unix epoch (default: now). */
  write(dir: Direction, packet: Buffer, timestampUs: number = nowMicros()): void {
    if (this.fd === undefined || this.closing || this.error) return;
    if (this.format !== 'btsnoop-1002') {
      const record = encodeHci(this.format, dir, packet, timestampUs > 0 ? timestampUs : 0);
      if (record) this.append(record);
      return;
    }
    const size = BTSNOOP_RECORD_HEADER_LENGTH + packet.length;
    if (this.used + size > this.chunk.length) {
      this.seal();
      if (size > this.chunk.length) this.chunk = Buffer.allocUnsafe(size);
    }
    const b = this.chunk;
    let o = this.used;
    const type = packet[0];
    const flags = (dir === 'rx' ? BTSNOOP_FLAG_RECEIVED : 0) | (type === 0x01 || type === 0x04 ? BTSNOOP_FLAG_COMMAND_OR_EVENT : 0);
    b.writeUInt32BE(packet.length, o);
    b.writeUInt32BE(packet.length, o + 4);
    b.writeUInt32BE(flags, o + 8);
    b.writeUInt32BE(0, o + 12);
    const us = timestampUs > 0 ? timestampUs : 0;
    const usHi = Math.floor(us / TWO32);
    let lo = EPOCH_LO + (us - usHi * TWO32);
    let hi = EPOCH_HI + usHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    b.writeUInt32BE(hi >>> 0, o + 16);
    b.writeUInt32BE(lo >>> 0, o + 20);
    o += BTSNOOP_RECORD_HEADER_LENGTH;
    packet.copy(b, o);
    this.used = o + packet.length;
    this.packets++;
    this.armTimer();
  }

  /** One encoded record into the chunk (the formats other than btsnoop 1002). */
  private append(record: Buffer): void {
    if (this.used + record.length > this.chunk.length) {
      this.seal();
      if (record.length > this.chunk.length) this.chunk = Buffer.allocUnsafe(record.length);
    }
    this.used += record.copy(this.chunk, this.used);
    this.packets++;
    this.armTimer();
  }

  private armTimer(): void {
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.seal();
      }, this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Resolves once every record accepted so far is in the file (not fsynced). */
  flush(): Promise<void> {
    this.seal();
    if (!this.queue.length && !this.writing) return this.error ? Promise.reject(this.error) : Promise.resolve();
    return new Promise<void>((resolve, reject) => this.drained.push(() => (this.error ? reject(this.error) : resolve())));
  }

  /** Flush and close the file. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = (async () => {
        try {
          await this.flush().catch(() => undefined);
        } finally {
          if (this.timer) clearTimeout(this.timer);
          this.timer = undefined;
          openWriters.delete(this);
          const fd = this.fd;
          this.fd = undefined;
          if (fd !== undefined) await new Promise<void>((resolve) => fsClose(fd, () => resolve()));
        }
        if (this.error) throw this.error;
      })();
    }
    return this.closing;
  }

  /** Process exit: write whatever is not confirmed on disk, synchronously, at its offset (rewrites are harmless). */
  flushSyncOnExit(): void {
    if (this.fd === undefined) return;
    this.seal(false);
    try {
      for (const p of this.queue) writeSync(this.fd, p.buf, 0, p.buf.length, p.pos);
      this.queue.length = 0;
      closeSync(this.fd);
    } catch {
      // nothing more can be done at exit
    }
    this.fd = undefined;
  }

  private seal(startWriting = true): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.used === 0) return;
    this.queue.push({ buf: this.chunk.subarray(0, this.used), pos: this.position });
    this.position += this.used;
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
    if (startWriting) this.pump();
  }

  private pump(): void {
    if (this.writing) return;
    const head = this.queue[0];
    if (!head || this.fd === undefined) {
      const waiters = this.drained;
      this.drained = [];
      for (const w of waiters) w();
      return;
    }
    this.writing = true;
    fsWrite(this.fd, head.buf, 0, head.buf.length, head.pos, (err, written) => {
      this.writing = false;
      if (err) {
        this.error ??= err;
        this.queue.length = 0;
      } else if (written < head.buf.length) {
        head.buf = head.buf.subarray(written);
        head.pos += written;
      } else {
        this.queue.shift();
      }
      this.pump();
    });
  }
}
