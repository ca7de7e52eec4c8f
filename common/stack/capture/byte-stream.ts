// A file read as a stream of octets, gzip undone on the way, with the offset of every read known so a
// damaged record can be named. Only what the current record needs is held: memory stays flat however
// long the file is.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { GZIP_MAGIC } from '../../base/codes/capture.js';

const CHUNK = 64 * 1024;

export class ByteStream {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Offset in the (decompressed) stream of buf[0]. */
  private base = 0;
  private ended = false;
  /** Set when the source failed (a broken gzip stream, an I/O error): the stream ends there. */
  error: Error | undefined;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** Offset of the next octet to read, counted in the decompressed stream. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Octets ready without waiting. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** Make n octets ready; false when the stream ends first (what is there stays readable with peek). */
  async need(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      if (this.ended) return false;
      let next: IteratorResult<Buffer>;
      try {
        next = await this.chunks.next();
      } catch (e) {
        this.error = e instanceof Error ? e : new Error(String(e));
        this.ended = true;
        return false;
      }
      if (next.done) {
        this.ended = true;
        return false;
      }
      const rest = this.buf.subarray(this.pos);
      this.base += this.pos;
      this.buf = rest.length ? Buffer.concat([rest, next.value]) : next.value;
      this.pos = 0;
    }
    return true;
  }

  /** The next n octets (or fewer at the end) without consuming them. A view: valid until the next need(). */
  peek(n: number): Buffer {
    return this.buf.subarray(this.pos, Math.min(this.pos + n, this.buf.length));
  }

  /** Consume n octets (need(n) first). A view: copy it to keep it past the next need(). */
  take(n: number): Buffer {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(n: number): void {
    this.pos += Math.min(n, this.buf.length - this.pos);
  }

  /** True when nothing is left and nothing more will come. */
  async atEnd(): Promise<boolean> {
    return !(await this.need(1));
  }
}

/** Open a file as a ByteStream; gzip (RFC 1952) is undone when the file starts with its magic. */
export async function openByteStream(path: string): Promise<{ stream: ByteStream; gzip: boolean; close: () => void }> {
  const head = createReadStream(path, { start: 0, end: 1 });
  let first = Buffer.alloc(0);
  for await (const c of head) first = Buffer.concat([first, c as Buffer]);
  const gzip = first.length === 2 && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
  const file = createReadStream(path, { highWaterMark: CHUNK });
  const source = gzip ? file.pipe(createGunzip({ chunkSize: CHUNK })) : file;
  if (gzip) file.on('error', (e) => source.destroy(e));
  const it = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return { stream: new ByteStream(it), gzip, close: () => { file.destroy(); source.destroy(); } };
}

/** A ByteStream over bytes already in memory (tests, small inputs). */
export function byteStreamOf(buf: Buffer): ByteStream {
  let given = false;
  const it: AsyncIterator<Buffer> = {
    next: async () => {
      if (given || buf.length === 0) return { done: true, value: undefined };
      given = true;
      return { done: false, value: buf };
    },
  };
  return new ByteStream(it);
}
