// What the HTML page carries, as plain data (JSON inside the page): each chart's arrows and security bands in a
// compact form, and the decoded fields and bytes of every entry an arrow stands for. The page's script draws
// from it; nothing in it is markup (the script sets text, never HTML), so text from peers and files stays text.
import type { TimelineEntry } from '../../stack/trace/timeline.js';
import { LANES, type ArrowKind, type EntryRef, type SequenceModel } from '../sequence/sequence.js';
import { buildSequence, type SideTimelines } from '../sequence/build-sequence.js';
import { entryJSON } from '../scenario/report/result.js';

export const ARROW_KINDS: readonly ArrowKind[] = ['att-request', 'att-response', 'att-error', 'att-notify', 'smp', 'smp-failed', 'hci-event', 'hci-command'];

/** "central:87": an entry's key in the page (its tap and seq). */
export const refKey = (r: EntryRef): string => `${r.side}:${r.seq}`;

/** One arrow: [from lane, to lane, kind, label, ms, entry keys]. Lanes and kinds are indexes into LANES and ARROW_KINDS. */
export type ArrowData = [number, number, number, string, number, string[]];
/** One band: [first arrow, end arrow, level, key size or 0]. */
export type SpanData = [number, number, string, number];

export interface EntryData {
  readonly name: string;
  readonly dir: string;
  readonly layer: string;
  readonly ms: number;
  readonly summary: string;
  readonly fields: unknown;
  /** The bytes, hex. */
  readonly raw: string;
}

export interface ChartData {
  readonly arrows: ArrowData[];
  readonly spans: SpanData[];
  readonly entries: Record<string, EntryData>;
}

function entryData(e: TimelineEntry): EntryData {
  const j = entryJSON(e);
  return { name: e.name, dir: e.dir, layer: e.layer, ms: e.ms, summary: e.summary, fields: j.fields, raw: typeof j.raw === 'string' ? j.raw : '' };
}

export function chartData(model: SequenceModel, timelines: SideTimelines): ChartData {
  const bySeq = new Map<string, TimelineEntry>();
  for (const side of model.sides) for (const e of timelines[side] ?? []) bySeq.set(refKey({ side, seq: e.seq }), e);
  const entries: Record<string, EntryData> = {};
  const arrows = model.arrows.map((a): ArrowData => {
    const keys = a.entries.map(refKey);
    for (const k of keys) {
      const e = bySeq.get(k);
      if (e) entries[k] = entryData(e);
    }
    return [LANES.indexOf(a.from), LANES.indexOf(a.to), ARROW_KINDS.indexOf(a.kind), a.label, a.ms, keys];
  });
  const spans = model.spans.map((s): SpanData => [s.from, s.to, s.state.level, s.state.keySize ?? 0]);
  return { arrows, spans, entries };
}

export function timelineChart(timelines: SideTimelines): ChartData {
  return chartData(buildSequence(timelines), timelines);
}

/** JSON that can sit inside a <script> element: `<` written as \u003c, so no text can close the element. */
export function scriptJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
