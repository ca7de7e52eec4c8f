// The edges of stream-host.ts with a stand-in stream whose buffered octets the test sets: advertising
// reports dropped above REPORTS_DROPPED_ABOVE (other events kept), the stream closed above
// STREAM_CLOSED_ABOVE, reading paused on a full buffer and resumed on 'drain'.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EVT, H4, LE_EVT } from '../../common/base/codes/hci.js';
import { REPORTS_DROPPED_ABOVE, STREAM_CLOSED_ABOVE, attachStream } from '../../common/stack/air/stream-host.js';
import type { VirtualController } from '../../common/stack/air/index.js';

class FakeStream extends EventEmitter {
  writableLength = 0;
  destroyed = false;
  paused = false;
  /** What write() answers: false when the stream's buffer is full. */
  accept = true;
  written: Buffer[] = [];
  write(p: Buffer): boolean {
    this.written.push(p);
    return this.accept;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const report = Buffer.from([H4.EVENT, EVT.LE_META, 2, LE_EVT.ADVERTISING_REPORT, 0]);
const complete = Buffer.from([H4.EVENT, EVT.COMMAND_COMPLETE, 4, 1, 0x09, 0x10, 0]);

function rig() {
  const stream = new FakeStream();
  const controller = new EventEmitter();
  const trouble: string[] = [];
  const host = attachStream(stream as unknown as net.Socket, controller as unknown as VirtualController, (w) => trouble.push(w));
  return { stream, controller, trouble, host };
}

describe('stream-host: what the air holds for a host that does not read', () => {
  it('at the report bound exactly, reports still go; one octet above, they are dropped (said once), other events still go', () => {
    const { stream, controller, trouble, host } = rig();
    stream.writableLength = REPORTS_DROPPED_ABOVE;
    controller.emit('packet', report);
    expect(stream.written).toHaveLength(1);
    stream.writableLength = REPORTS_DROPPED_ABOVE + 1;
    controller.emit('packet', report);
    controller.emit('packet', report);
    controller.emit('packet', complete);
    expect(stream.written).toEqual([report, complete]);
    expect(host.stats.reportsDropped).toBe(2);
    expect(trouble).toHaveLength(1);
  });

  it('at the close bound exactly, the stream stays; one octet above, it is closed and says why', () => {
    const { stream, controller, trouble, host } = rig();
    stream.writableLength = STREAM_CLOSED_ABOVE;
    controller.emit('packet', complete);
    expect(stream.destroyed).toBe(false);
    stream.writableLength = STREAM_CLOSED_ABOVE + 1;
    controller.emit('packet', complete);
    expect(stream.destroyed).toBe(true);
    expect(host.stats.closedBecause).toMatch(/has not read \d+ octets/);
    expect(trouble.at(-1)).toBe(host.stats.closedBecause);
  });

  it('a full buffer stops the reading until it drains', () => {
    const { stream, controller, host } = rig();
    stream.accept = false;
    controller.emit('packet', complete);
    expect(stream.paused).toBe(true);
    controller.emit('packet', complete); // already paused: counted once
    expect(host.stats.pauses).toBe(1);
    stream.accept = true;
    stream.emit('drain');
    expect(stream.paused).toBe(false);
  });
});
