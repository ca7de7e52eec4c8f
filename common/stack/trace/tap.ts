// The tap: sits on the HCI seam, sees every H4 packet both ways, and turns them into a typed timeline,
// per-link security state and btsnoop captures. observe() is on the hot path: it never throws, never
// builds strings nobody reads, and writes captures through a buffered writer.
import { EventEmitter } from 'node:events';
import { H4 } from '../../base/codes/hci.js';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import { waitWithin } from '../../base/util/wait.js';
import { BtsnoopWriter, type BtsnoopWriterOptions } from './btsnoop-writer.js';
import { LinkTracker, type LinkEvent, type LinkState } from './link-state.js';
import { PacketDecoder } from './packet-decoder.js';
import { TraceEntry, decoded, emptyScratch, type Decoded, type Direction, type Layer, type TimelineEntry } from './timeline.js';

export interface TapOptions {
  /** Shown in logs and timeout messages ("central", "peripheral"). */
  name?: string;
  /**
   * Entries kept for `entries` and `waitFor({ includePast })`: 'all' (default: a scenario, a one-shot walk, a report)
   * or a ring of the last N (0: none). A long-running process takes a ring (LONG_RUN_HISTORY): its full story goes
   * to a btsnoop file as it happens, not to memory.
   */
  keepEntries?: number | 'all';
  /**
   * Disconnected links kept for `links()` and `link(handle)`: 'all' (the default when every entry is kept) or the
   * last N (the default with a ring: LONG_RUN_HISTORY.keepLinks). Connected links are always kept.
   */
  keepLinks?: number | 'all';
  /**
   * Default true. false: no decoding, no reassembly, no link state; each packet becomes one entry named by its
   * H4 type ('HCI Command', 'HCI Event', 'HCI ACL Data' …) with empty fields. For capture-only taps.
   */
  decode?: boolean;
  /** Also one 'hci-acl' entry per ACL packet (see DecoderOptions.aclEntries). Default false. */
  aclEntries?: boolean;
}

export interface TapWaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Also match entries already on the timeline (those still kept), oldest first. */
  includePast?: boolean;
  /** Words for the error message: "ATT Error Response for the read". */
  what?: string;
}

/** waitFor gave up: the time ran out, the signal aborted, or the tap closed. */
export class TapWaitError extends BlebenchError {
  readonly code = 'TAP_WAIT_TIMEOUT';
  constructor(
    message: string,
    readonly reason: 'timeout' | 'aborted' | 'closed',
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TapEvents {
  entry: [TimelineEntry];
  /** Every packet as observed (emitted only while someone listens). */
  packet: [Direction, Buffer];
  /** A connection was established (LE (Enhanced) Connection Complete, status 0). */
  link: [LinkState];
  /** Encryption Change or Encryption Key Refresh Complete on a link, any status. */
  encryption: [LinkState, TimelineEntry];
  /** Disconnection Complete on a link. */
  disconnect: [LinkState, TimelineEntry];
  /** Pairing Request/Response/Failed or Security Request on a link. */
  pairing: [LinkState, TimelineEntry];
}

interface Waiter {
  pred: (e: TimelineEntry) => boolean;
  resolve: (e: TimelineEntry) => void;
  reject: (e: Error) => void;
}

const H4_NAMES: Record<number, [Layer, string]> = {
  0x01: ['hci-cmd', 'HCI Command'],
  0x02: ['hci-acl', 'HCI ACL Data'],
  0x03: ['hci-sco', 'HCI SCO Data'],
  0x04: ['hci-evt', 'HCI Event'],
  0x05: ['hci-iso', 'HCI ISO Data'],
};
/**
 * The history a long-running process keeps (blebench peripheral, the consoles, the fuzz targets): the last
 * entries (enough for a console's "last entries", a pairing report and any operation's own window) and the
 * last disconnected links; everything before is dropped, so memory stays flat over any number of connections.
 */
export const LONG_RUN_HISTORY = { keepEntries: 4096, keepLinks: 32 } as const satisfies Pick<TapOptions, 'keepEntries' | 'keepLinks'>;

/** Connection_Handle: the low 12 bits of an ACL header's first field (Core v5.4 Vol 4 Part E 5.4.2). */
const ACL_HANDLE_MASK = 0x0fff;

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const noDetail = (): string => '';

export class Tap extends EventEmitter<TapEvents> {
  readonly name: string;
  /** Packets observed. */
  packets = 0;
  /**
   * ACL data packets per direction on the links still connected (whether every packet one host sent has
   * reached the other): a link that went down took what it still carried with it (the host treats what is
   * still held for it as flushed, Core v5.4 Vol 4 Part E 7.7.5), so its packets leave the count once its
   * Disconnection Complete is seen. Counted on a tap that decodes (the default): it knows the links.
   */
  get aclPackets(): { tx: number; rx: number } {
    const sum = { tx: 0, rx: 0 };
    for (const [handle, c] of this.aclOnLinks) {
      if (!c.link.connected || this.tracker.link(handle) !== c.link) continue; // a link another replaced
      sum.tx += c.tx;
      sum.rx += c.rx;
    }
    return sum;
  }
  /** By handle (at most 4096: bounded whatever the controller says), for the link on it when counted. */
  private readonly aclOnLinks = new Map<number, { link: LinkState; tx: number; rx: number }>();

  /** performance.now() when the tap started: entry.ms is relative to it, so taps can be merged by time. */
  readonly startedAt = performance.now();
  /**
   * The wall clock at startedAt (ms since the Unix epoch), for the captures' timestamps. Read when the tap
   * starts, not from performance.timeOrigin: in a process that has run for long (a worker, `blebench air`)
   * the monotonic clock and the wall clock part by the wall clock's adjustments since the process began.
   */
  private readonly wallAtStart = Date.now();
  private readonly keep: number;
  private readonly decodeOn: boolean;
  private readonly decoder: PacketDecoder;
  private readonly tracker: LinkTracker;
  private readonly scratch: Decoded<object>[] = [];
  private readonly linkEvents: LinkEvent[] = [];
  private readonly writers: BtsnoopWriter[] = [];
  private readonly waiters = new Set<Waiter>();
  private list: TimelineEntry[] = [];
  private seq = 0;

  constructor(options: TapOptions = {}) {
    super();
    this.name = options.name ?? 'tap';
    const k = options.keepEntries ?? 'all';
    this.keep = k === 'all' ? Infinity : Math.max(0, Math.floor(k));
    const links = options.keepLinks ?? (k === 'all' ? 'all' : LONG_RUN_HISTORY.keepLinks);
    this.tracker = new LinkTracker({ keepDisconnected: links === 'all' ? Infinity : Math.max(0, Math.floor(links)) });
    this.decodeOn = options.decode ?? true;
    this.decoder = new PacketDecoder({ aclEntries: options.aclEntries ?? false });
  }

  /** One whole H4 packet, indicator first. The tap keeps a reference: do not modify the buffer afterwards. Never throws. */
  observe(dir: Direction, packet: Buffer): void {
    try {
      const ms = performance.now() - this.startedAt;
      this.packets++;
      if (packet[0] === H4.ACL && packet.length >= 3) this.countAcl(dir, packet.readUInt16LE(1) & ACL_HANDLE_MASK);
      if (this.listenerCount('packet') > 0) this.emit('packet', dir, packet);
      if (this.writers.length) {
        const us = Math.round((this.wallAtStart + ms) * 1000);
        for (const w of this.writers) w.write(dir, packet, us);
      }
      const out = this.scratch;
      if (this.decodeOn) this.decoder.decode(dir, packet, out);
      else {
        const [layer, name] = H4_NAMES[packet[0] ?? -1] ?? (['malformed', 'Unknown H4 Packet'] as const);
        out.push(decoded(layer, name, EMPTY, packet, noDetail));
      }
      for (let i = 0; i < out.length; i++) this.add(new TraceEntry(this.seq++, ms, dir, out[i]!));
      emptyScratch(out);
    } catch (e) {
      this.scratch.length = 0;
      this.linkEvents.length = 0;
      process.emitWarning(`tap ${this.name}: observe failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The seq the next entry will get: "from here on" for a wait or a filter, whatever history is kept. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Whether the tap keeps every entry (false: a ring of the last keepEntries). */
  get keepsAll(): boolean {
    return this.keep === Infinity;
  }

  /** The kept timeline, oldest first. */
  get entries(): readonly TimelineEntry[] {
    if (this.list.length > this.keep) this.list = this.list.slice(-this.keep);
    return this.list;
  }

  /** The current (latest) link on this handle, connected or not. A live view: read it, do not change it. */
  link(handle: number): LinkState | undefined {
    return this.tracker.link(handle);
  }

  /** Every link seen, oldest first, disconnected ones included (with a ring: the last keepLinks disconnected ones). */
  links(): LinkState[] {
    return this.tracker.links();
  }

  /** First entry matching `pred` (a kept past one with includePast, else a future one). */
  waitFor(pred: (e: TimelineEntry) => boolean, opts: TapWaitOptions): Promise<TimelineEntry> {
    const what = opts.what ?? 'a matching entry';
    if (opts.includePast) {
      try {
        const hit = this.entries.find(pred);
        if (hit) return Promise.resolve(hit);
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    // The last entries, in the error: what the tap saw instead.
    const failure = (reason: TapWaitError['reason'], cause?: unknown) => {
      const tail = this.list.slice(-5).map((e) => `  #${e.seq} ${e.dir} ${e.summary}`).join('\n');
      const why = reason === 'timeout' ? `timed out after ${opts.timeoutMs} ms` : reason === 'aborted' ? 'aborted' : 'the tap closed';
      return new TapWaitError(`tap ${this.name}: waiting for ${what}: ${why}${tail ? `; last entries:\n${tail}` : '; no entries yet'}`, reason, opts.timeoutMs, cause === undefined ? undefined : { cause });
    };
    const limit = { what, timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}), timedOut: () => failure('timeout'), aborted: (reason: unknown) => failure('aborted', reason) };
    return waitWithin<TimelineEntry>(limit, ({ resolve, reject }) => {
      const w: Waiter = { pred, resolve, reject };
      const onClose = () => reject(failure('closed'));
      this.waiters.add(w);
      this.closers.add(onClose);
      return () => {
        this.waiters.delete(w);
        this.closers.delete(onClose);
      };
    });
  }

  /** Whether a btsnoop writer is attached. */
  get capturing(): boolean {
    return this.writers.length > 0;
  }

  /** Write every later packet to a capture file (parent folders created, mode 0644): btsnoop 1002, or pcapng/PacketLogger by the extension or `options.format`. Throws if the file cannot be created. */
  attachBtsnoop(path: string, options?: BtsnoopWriterOptions): BtsnoopWriter {
    const w = new BtsnoopWriter(path, options);
    this.writers.push(w);
    return w;
  }

  /** Flush and close every btsnoop writer; pending waitFor calls reject with reason 'closed'. */
  async close(): Promise<void> {
    for (const c of [...this.closers]) c();
    const writers = this.writers.splice(0);
    const results = await Promise.allSettled(writers.map((w) => w.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private readonly closers = new Set<() => void>();

  /** One ACL packet on a connected link (a host's packet on a handle it knows is down goes nowhere: not counted). */
  private countAcl(dir: Direction, handle: number): void {
    const link = this.tracker.link(handle);
    if (!link?.connected) return;
    let c = this.aclOnLinks.get(handle);
    if (c?.link !== link) this.aclOnLinks.set(handle, (c = { link, tx: 0, rx: 0 }));
    c[dir]++;
  }

  private add(e: TraceEntry): void {
    const events = this.linkEvents;
    if (this.decodeOn) this.tracker.apply(e, events);
    if (this.keep > 0) {
      this.list.push(e);
      if (this.keep !== Infinity && this.list.length >= 2 * this.keep + 64) this.list = this.list.slice(-this.keep);
    }
    this.safeEmit('entry', e);
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (ev.event === 'disconnect' && this.aclOnLinks.get(ev.link.handle)?.link === ev.link) this.aclOnLinks.delete(ev.link.handle);
      if (ev.event === 'link') this.safeEmit('link', ev.link);
      else this.safeEmit(ev.event, ev.link, e);
    }
    emptyScratch(events);
    if (this.waiters.size) {
      for (const w of [...this.waiters]) {
        let hit = false;
        try {
          hit = w.pred(e);
        } catch (err) {
          w.reject(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        if (hit) w.resolve(e);
      }
    }
  }

  private safeEmit<K extends keyof TapEvents>(event: K, ...args: TapEvents[K]): void {
    if (this.listenerCount(event) === 0) return;
    try {
      (this.emit as (e: K, ...a: TapEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      process.emitWarning(`tap ${this.name}: a '${String(event)}' listener threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

export type { LinkState } from './link-state.js';
export type { Direction, TimelineEntry } from './timeline.js';
