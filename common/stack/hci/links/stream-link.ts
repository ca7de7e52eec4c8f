// A controller that speaks H4 over a byte stream (h4:unix:PATH, h4:tcp:HOST:PORT): a `blebench air`
// server, or a real controller bridged to a socket. Stream reads are reframed into whole packets.
import { statSync } from 'node:fs';
import net from 'node:net';
import { H4Framer } from '../../h4/h4-framer.js';
import type { H4Link } from '../socket-api.js';
import { TransportError } from '../transport-errors.js';
import { LinkEnding } from './link-ending.js';

/** How long the other end has to close its side after ours ended, before the socket is destroyed. */
const STREAM_CLOSE_MS = 1000;

export class StreamLink implements H4Link {
  private readonly framer = new H4Framer();
  private packetListeners: Array<(packet: Buffer) => void> = [];
  private readonly ending = new LinkEnding();

  private constructor(
    private readonly socket: net.Socket,
    readonly label: string,
  ) {
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => {
      let packets: Buffer[];
      try {
        packets = this.framer.push(chunk);
      } catch (err) {
        this.finish(new TransportError('TRANSPORT_CLOSED', `${label}: ${(err as Error).message}`, label, { cause: err }));
        socket.destroy();
        return;
      }
      for (const p of packets) for (const l of this.packetListeners) l(p);
    });
    socket.on('error', (err) => this.finish(new TransportError('TRANSPORT_CLOSED', `${label}: the controller went away (${err.message})`, label, { cause: err })));
    socket.on('close', () => this.finish(new TransportError('TRANSPORT_CLOSED', `${label}: the controller closed the stream`, label)));
  }

  /** Connects, or fails with a named error (nothing listens there, refused, timed out). */
  static connect(target: { path: string } | { host: string; port: number }, label: string, timeoutMs = 5000): Promise<StreamLink> {
    return new Promise((resolve, reject) => {
      const socket = 'path' in target ? net.createConnection({ path: target.path }) : net.createConnection({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('CONNECT_FAILED', `${label}: no answer within ${timeoutMs} ms`, label, { hint: 'is `blebench air --listen ...` running there?' }));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new StreamLink(socket, label));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const other = 'path' in target ? notASocket(target.path) : undefined;
        const why =
          err.code === 'ENOENT' ? 'no such socket file' : other ?? (err.code === 'ECONNREFUSED' ? 'connection refused: nothing listens there' : err.message);
        reject(
          new TransportError('CONNECT_FAILED', `${label}: cannot reach the controller (${why})`, label, {
            cause: err,
            hint: 'start one with `blebench air --listen unix:PATH` or `--listen tcp:127.0.0.1:PORT`, or use --transport mock',
          }),
        );
      });
    });
  }

  send(packet: Buffer): void {
    if (!this.ending.ended) this.socket.write(packet);
  }

  onPacket(listener: (packet: Buffer) => void): void {
    this.packetListeners.push(listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.ending.on(listener);
  }

  /**
   * Ends the stream and resolves once the other end has closed it too (at most STREAM_CLOSE_MS): a
   * `blebench air` powers the controller off when the stream ends, before it closes its side, so after
   * this the controller is gone from the radio (its address free for the next program).
   */
  close(): Promise<void> {
    if (this.ending.ended) return Promise.resolve();
    this.finish();
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), STREAM_CLOSE_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  private finish(error?: Error): void {
    this.ending.end(error);
  }
}

/** What a unix: path is when it is not a socket (a regular file, a directory), in words; undefined when it is one or is gone. */
function notASocket(file: string): string | undefined {
  try {
    const st = statSync(file);
    if (st.isSocket()) return undefined;
    return st.isDirectory() ? `${file} is a directory, not a socket` : st.isFile() ? `${file} is a regular file, not a socket` : `${file} is not a socket`;
  } catch {
    return undefined;
  }
}
