// A timeline (a scenario's two taps, or one capture's) as the sequence model: the arrows in causal order, and
// the link's security over each stretch of them: the weaker of the two taps' views after each arrow.
import type { TimelineEntry } from '../../stack/trace/timeline.js';
import { mergeSides, shownOf, type MergedArrow, type Shown } from './merge.js';
import { sameState, securityAfter, weakest } from './security.js';
import type { SecuritySpan, SecurityState, SequenceArrow, SequenceModel, Side } from './sequence.js';
import { lanesOf } from './shown.js';

export type SideTimelines = Partial<Record<Side, readonly TimelineEntry[]>>;

const NO_LINK: SecurityState = { level: 'no link' };

function arrowOf(m: MergedArrow, index: number): SequenceArrow {
  const { side, entry, kind } = m.first;
  const peer = m.peer;
  return {
    index,
    ...lanesOf(side, entry, kind),
    kind,
    label: entry.summary,
    // One clock for the chart where it can be: the central's tap when it saw the entry (each tap counts from its own start).
    ms: peer && peer.side === 'central' ? peer.entry.ms : entry.ms,
    ...(entry.handle !== undefined ? { handle: entry.handle } : {}),
    entries: peer ? [{ side, seq: entry.seq }, { side: peer.side, seq: peer.entry.seq }] : [{ side, seq: entry.seq }],
  };
}

export function buildSequence(timelines: SideTimelines): SequenceModel {
  const sides = (['central', 'peripheral'] as const).filter((s) => timelines[s] !== undefined);
  const shown: Record<Side, Shown[]> = { central: [], peripheral: [] };
  const states = new Map<Side, Map<number, SecurityState>>();
  for (const side of sides) {
    const entries = timelines[side]!;
    shown[side] = shownOf(side, entries);
    const wanted = new Set(shown[side].map((s) => s.entry.seq));
    states.set(side, securityAfter(entries, (e) => wanted.has(e.seq)));
  }
  const merged = mergeSides(shown.central, shown.peripheral);
  const arrows = merged.map(arrowOf);
  const spans: SecuritySpan[] = [];
  let open: { from: number; state: SecurityState } | undefined;
  // Each tap's latest view; the chart shows the weaker of them (the link is only as secure as both ends hold it).
  const now = new Map<Side, SecurityState>(sides.map((s) => [s, NO_LINK]));
  merged.forEach((m, i) => {
    for (const s of m.peer ? [m.first, m.peer] : [m.first]) now.set(s.side, states.get(s.side)?.get(s.entry.seq) ?? NO_LINK);
    const state = weakest([...now.values()]);
    if (open && sameState(open.state, state)) return;
    if (open) spans.push({ from: open.from, to: i, state: open.state });
    open = { from: i, state };
  });
  if (open) spans.push({ from: open.from, to: merged.length, state: open.state });
  return { arrows, spans, sides };
}
