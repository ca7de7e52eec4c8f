// Both taps' entries as one chart. A PDU one host sent and the other received is one arrow: the sender's tx
// matched with the receiver's next rx of the same bytes (L2CAP keeps the order on a link, Core v5.4 Vol 3
// Part A 1.4); a PDU one tap alone saw (a one-sided capture, a link lost mid-flight) is an arrow of its own.
// The taps' clocks start apart, so the order is causal first: a received PDU never comes before it was sent.
import type { TimelineEntry } from '../../stack/trace/timeline.js';
import { arrowKind, crossesAir } from './shown.js';
import type { ArrowKind, Side } from './sequence.js';

/** How far past the next candidate a receiver's entry is looked for (a PDU lost on the way leaves a gap). */
const MATCH_LOOKAHEAD = 4;

export interface Shown {
  readonly side: Side;
  readonly entry: TimelineEntry;
  readonly kind: ArrowKind;
}

/** One arrow's entries: the first drives its place and lanes; `peer` is the same PDU at the other tap. */
export interface MergedArrow {
  readonly first: Shown;
  readonly peer?: Shown;
}

export function shownOf(side: Side, entries: readonly TimelineEntry[]): Shown[] {
  const out: Shown[] = [];
  for (const entry of entries) {
    const kind = arrowKind(entry);
    if (kind) out.push({ side, entry, kind });
  }
  return out;
}

/** Pairs each air-crossing tx of `senders` with an rx of `receivers` carrying the same bytes, in order. */
function matchDirection(senders: readonly Shown[], receivers: readonly Shown[], into: Map<Shown, Shown>): void {
  const rx = receivers.filter((s) => s.entry.dir === 'rx' && crossesAir(s.kind));
  let cursor = 0;
  for (const tx of senders) {
    if (tx.entry.dir !== 'tx' || !crossesAir(tx.kind)) continue;
    const end = Math.min(rx.length, cursor + MATCH_LOOKAHEAD);
    for (let i = cursor; i < end; i++) {
      const r = rx[i]!;
      if (r.entry.layer === tx.entry.layer && r.entry.raw.equals(tx.entry.raw)) {
        into.set(tx, r);
        cursor = i + 1;
        break;
      }
    }
  }
}

/** The arrows of one or two taps, in an order that keeps each tap's own order and puts every send before its receipt. */
export function mergeSides(a: readonly Shown[], b: readonly Shown[]): MergedArrow[] {
  const peerOf = new Map<Shown, Shown>();
  matchDirection(a, b, peerOf);
  matchDirection(b, a, peerOf);
  const received = new Set(peerOf.values());
  const done = new Set<Shown>();
  const out: MergedArrow[] = [];
  const queues = [{ list: a, at: 0 }, { list: b, at: 0 }];
  const head = (q: { list: readonly Shown[]; at: number }): Shown | undefined => {
    while (q.at < q.list.length && done.has(q.list[q.at]!)) q.at++;
    return q.list[q.at];
  };
  const put = (s: Shown): void => {
    const peer = peerOf.get(s);
    out.push(peer ? { first: s, peer } : { first: s });
    done.add(s);
    if (peer) done.add(peer);
  };
  // Before a PDU is drawn as received, what the receiver's tap saw earlier on its own (its HCI events, the
  // PDUs only it saw) is drawn: they happened before the receipt.
  const emit = (s: Shown): void => {
    const peer = peerOf.get(s);
    if (peer) {
      const q = queues.find((x) => x.list === (s.side === a[0]?.side ? b : a))!;
      for (let h = head(q); h !== undefined && h !== peer && !peerOf.has(h) && !received.has(h); h = head(q)) put(h);
    }
    put(s);
  };
  // A matched receipt waits for its send; anything else may go.
  const ready = (s: Shown | undefined): s is Shown => s !== undefined && !received.has(s);
  for (;;) {
    const x = head(queues[0]!);
    const y = head(queues[1]!);
    if (x === undefined && y === undefined) break;
    if (ready(x) && (!ready(y) || x.entry.ms <= y.entry.ms)) emit(x);
    else if (ready(y)) emit(y);
    else {
      // Both wait on each other: the taps disagree (cannot happen in one link's order); drawn unpaired so nothing is lost.
      const s = (x ?? y)!;
      received.delete(s);
      for (const [k, v] of peerOf) if (v === s) peerOf.delete(k);
    }
  }
  return out;
}
