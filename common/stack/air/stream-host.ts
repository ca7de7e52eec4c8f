// One accepted stream as the host side of one virtual controller, with back-pressure both ways, so
// that a host that does not read cannot make the air hold more than a bounded amount for it:
//   - the controller's packets are written to the stream; when the stream's buffer is full (write()
//     returns false) the air stops reading the host's stream (no new commands, no new ACL) until it
//     drains, as a UART controller deasserts RTS (Core v5.4 Vol 4 Part A 2: H4 relies on the
//     transport's flow control);
//   - what the controller makes on its own (advertising reports, a peer's data) still arrives: beyond
//     REPORTS_DROPPED_ABOVE buffered octets advertising reports are dropped, as a controller with full
//     event buffers drops them, and beyond STREAM_CLOSED_ABOVE the stream is closed, saying why.
// Commands beyond the controller's credits are dropped by the controller itself (controller.ts).
import type net from 'node:net';
import { EVT, H4, LE_EVT } from '../../base/codes/hci.js';
import { H4Framer } from '../h4/h4-framer.js';
import type { VirtualController } from './controller.js';

/** Octets waiting in the stream towards a host that does not read, above which advertising reports are dropped. */
export const REPORTS_DROPPED_ABOVE = 1024 * 1024;
/** Octets waiting towards a host above which its stream is closed: it has stopped reading for good. */
export const STREAM_CLOSED_ABOVE = 16 * 1024 * 1024;

const ADVERTISING_REPORTS: ReadonlySet<number> = new Set([LE_EVT.ADVERTISING_REPORT, LE_EVT.DIRECTED_ADVERTISING_REPORT, LE_EVT.EXTENDED_ADVERTISING_REPORT, LE_EVT.PERIODIC_ADVERTISING_REPORT]);
const isAdvertisingReport = (p: Buffer) => p[0] === H4.EVENT && p[1] === EVT.LE_META && ADVERTISING_REPORTS.has(p[3] ?? -1);

export interface StreamHostStats {
  /** Times the air stopped reading the stream because the host did not read its answers. */
  pauses: number;
  /** Advertising reports dropped while the stream was backed up. */
  reportsDropped: number;
  /** The most octets ever waiting towards the host. */
  maxBuffered: number;
  /** Set when the air closed the stream because the host stopped reading. */
  closedBecause?: string;
}

export interface StreamHost {
  readonly stats: StreamHostStats;
  /** Octets the air holds for this stream now: towards the host (not yet taken by it) and from it (a partial packet). */
  buffered(): { towardsHost: number; fromHost: number };
}

/**
 * Wire a stream to a controller; the caller closes the controller when the stream closes. `onPause` is
 * told each time the air stops reading the stream because its host does not take the answers.
 */
export function attachStream(socket: net.Socket, controller: VirtualController, onTrouble: (what: string) => void, onPause: () => void = () => undefined): StreamHost {
  const framer = new H4Framer();
  const stats: StreamHostStats = { pauses: 0, reportsDropped: 0, maxBuffered: 0 };
  let paused = false;
  socket.on('drain', () => {
    if (!paused) return;
    paused = false;
    socket.resume();
  });
  controller.on('packet', (p: Buffer) => {
    if (socket.destroyed) return;
    const waiting = socket.writableLength;
    if (waiting > STREAM_CLOSED_ABOVE) {
      stats.closedBecause = `the host has not read ${waiting} octets of events: closing its stream`;
      onTrouble(stats.closedBecause);
      socket.destroy();
      return;
    }
    if (waiting > REPORTS_DROPPED_ABOVE && isAdvertisingReport(p)) {
      if (stats.reportsDropped++ === 0) onTrouble(`the host is not reading: advertising reports are dropped while ${REPORTS_DROPPED_ABOVE} octets wait for it`);
      return;
    }
    const more = socket.write(p);
    stats.maxBuffered = Math.max(stats.maxBuffered, socket.writableLength);
    if (!more && !paused) {
      paused = true;
      stats.pauses++;
      socket.pause();
      onPause();
    }
  });
  socket.on('data', (chunk: Buffer) => {
    let packets: Buffer[];
    try {
      packets = framer.push(chunk);
    } catch {
      socket.destroy(); // out of sync: this stream only
      return;
    }
    for (const p of packets) controller.write(p);
  });
  return {
    stats,
    buffered: () => ({ towardsHost: socket.writableLength, fromHost: framer.buffered }),
  };
}
