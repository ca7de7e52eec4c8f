// Timeline expectations against the taps' entries: seen (with count or range), none, order; each on
// one tap (timestamps of different taps do not share an origin, so order is only judged within one).
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import { nameMatches } from '../pdu-names.js';
import type { PduMatcher, ScenarioRole, TimelineExpectation } from '../scenario.js';
import { fieldMismatches } from './fields.js';
import type { TimelineWindow, Timelines, Verdict, VerdictEvidence } from './types.js';
import { at, didWords, fieldsText, listAt, show, times } from './words.js';

const AIR_LAYERS = new Set(['att', 'smp', 'l2cap-sig']);

/** The tap to judge on: the one named, else the central's when there is one. */
function tapOf(m: { at?: ScenarioRole } | undefined, timelines: Timelines): ScenarioRole {
  return m?.at ?? (timelines.central ? 'central' : 'peripheral');
}

/** Name and sender match (fields aside). On a tap, what its own host sent is tx; what the peer sent is rx. */
function sameKind(m: PduMatcher, tap: ScenarioRole, e: TimelineEntry): boolean {
  if (!nameMatches(m.pdu, e.name)) return false;
  if (!m.sentBy) return true;
  if (AIR_LAYERS.has(m.pdu.layer)) return e.dir === (m.sentBy === tap ? 'tx' : 'rx');
  return m.pdu.layer === 'hci-cmd' ? m.sentBy === tap : true;
}

function matches(m: PduMatcher, tap: ScenarioRole, e: TimelineEntry): boolean {
  return sameKind(m, tap, e) && (!m.fields || fieldMismatches(e.fields, m.fields).length === 0);
}

export function windowed(entries: readonly TimelineEntry[], w: TimelineWindow | undefined): readonly TimelineEntry[] {
  return w ? entries.filter((e) => e.seq >= w.from && e.seq < w.to) : entries;
}

interface Bounds {
  entries: readonly TimelineEntry[];
  /** Words for the bounds ("before HCI Encryption Change"). */
  words: string;
  /** A bound that never happened, when it matters. */
  missing?: string;
}

/** Entries before the first `before` match and after the first `after` match. */
function bounded(entries: readonly TimelineEntry[], tap: ScenarioRole, before: PduMatcher | undefined, after: PduMatcher | undefined): Bounds {
  let list = entries;
  const words: string[] = [];
  let missing: string | undefined;
  if (after) {
    const i = list.findIndex((e) => matches(after, tap, e));
    words.push(`after ${after.pdu.name}${fieldsText(after.fields)}`);
    if (i < 0) missing = `${after.pdu.name} never came`;
    list = i < 0 ? [] : list.slice(i + 1);
  }
  if (before) {
    const i = list.findIndex((e) => matches(before, tap, e));
    words.push(`before ${before.pdu.name}${i >= 0 ? ` (${at(list[i]!)})` : ''}`);
    if (i < 0) missing = missing ?? `${before.pdu.name} never came`;
    else list = list.slice(0, i);
  }
  return { entries: list, words: words.length ? ' ' + words.join(' and ') : '', ...(missing ? { missing } : {}) };
}

/** The entries a failed verdict points at (none: no evidence field). */
function evidence(side: ScenarioRole, entries: readonly TimelineEntry[]): { evidence?: VerdictEvidence } {
  return entries.length ? { evidence: { side, seqs: entries.map((e) => e.seq) } } : {};
}

function noTap(tap: ScenarioRole, path: string): Verdict {
  return { ok: false, message: `this expectation looks at the ${tap}'s timeline, but the run has no tap on the ${tap}`, path };
}

/** Why the nearest candidates did not match: "it sent KeyboardDisplay at 12.3 ms (#19)". */
function nearMiss(m: PduMatcher, candidates: readonly TimelineEntry[]): string {
  const e = candidates[0]!;
  const miss = fieldMismatches(e.fields, m.fields ?? {});
  const what = miss.map((x) => (x.actual === undefined ? `no field ${x.field} (its fields: ${Object.keys(e.fields).join(', ')})` : `${x.field} ${show(x.actual)}`)).join(', ');
  return `${didWords(m)} ${m.sentBy ? '' : `${m.pdu.name} with `}${what} ${at(e)}${candidates.length > 1 ? ` (and ${candidates.length - 1} more like it)` : ''}`.replace(/\s+/g, ' ');
}

/** "the central to send X exactly twice", "the central not to send X", "no X on the central's timeline". */
function quantified(x: Extract<TimelineExpectation, { kind: 'seen' }>, tap: ScenarioRole): string {
  const m = x.match;
  const what = `${m.pdu.name}${fieldsText(m.fields)}`;
  const n = (k: number) => (k === 1 ? 'once' : k === 2 ? 'twice' : `${k} times`);
  const range = [x.atLeast !== undefined ? `at least ${n(x.atLeast)}` : '', x.atMost !== undefined ? `at most ${n(x.atMost)}` : ''].filter(Boolean).join(' and ');
  const qty = x.count !== undefined && x.count > 0 ? ` exactly ${n(x.count)}` : range ? ` ${range}` : '';
  if (m.sentBy) return x.count === 0 ? `the ${m.sentBy} not to send ${what}` : `the ${m.sentBy} to send ${what}${qty}`;
  return x.count === 0 ? `no ${what} on the ${tap}'s timeline` : `${what}${qty} on the ${tap}'s timeline`;
}

function seen(x: Extract<TimelineExpectation, { kind: 'seen' }>, all: readonly TimelineEntry[], tap: ScenarioRole): Verdict {
  const b = bounded(all, tap, x.before, x.after);
  const hits = b.entries.filter((e) => matches(x.match, tap, e));
  const lo = x.count ?? x.atLeast ?? (x.atMost === undefined ? 1 : 0);
  const hi = x.count ?? x.atMost ?? Infinity;
  const ok = hits.length >= lo && hits.length <= hi && !(b.missing && lo > 0);
  const want = `expected ${quantified(x, tap)}${b.words}`;
  if (ok) return { ok, message: hits.length ? `${didWords(x.match)} ${x.match.pdu.name}${fieldsText(x.match.fields)} ${listAt(hits)}${b.words}` : `no ${x.match.pdu.name}${fieldsText(x.match.fields)}${x.match.sentBy ? ` from the ${x.match.sentBy}` : ` on the ${tap}'s timeline`}${b.words}, as expected`, path: x.path };
  if (b.missing && lo > 0) return { ok, message: `${want}; ${b.missing}`, path: x.path };
  if (hits.length === 0) {
    const candidates = b.entries.filter((e) => sameKind(x.match, tap, e));
    return { ok, message: `${want}; ${candidates.length && x.match.fields ? nearMiss(x.match, candidates) : `${didWords(x.match)} none`}`, path: x.path, ...evidence(tap, candidates.slice(0, 1)) };
  }
  return { ok, message: `${want}; ${didWords(x.match)} ${times(hits.length)}${hits.length === 1 ? ' ' : ': '}${listAt(hits)}`, path: x.path, ...evidence(tap, hits) };
}

function none(x: Extract<TimelineExpectation, { kind: 'none' }>, all: readonly TimelineEntry[], tap: ScenarioRole): Verdict {
  // "No X before Y" when Y never came means no X at all: nothing made X allowed.
  const b = bounded(all, tap, x.before, x.after);
  const hits = b.entries.filter((e) => matches(x.match, tap, e));
  const want = `expected no ${x.match.pdu.name}${fieldsText(x.match.fields)}${x.match.sentBy ? ` from the ${x.match.sentBy}` : ''}${b.words}`;
  if (hits.length === 0) return { ok: true, message: `no ${x.match.pdu.name}${fieldsText(x.match.fields)}${b.words}${b.missing ? ` (${b.missing})` : ''}`, path: x.path };
  return { ok: false, message: `${want}; ${didWords(x.match)} ${times(hits.length)} ${listAt(hits)}${b.missing ? `, and ${b.missing}` : ''}`, path: x.path, ...evidence(tap, hits) };
}

function order(x: Extract<TimelineExpectation, { kind: 'order' }>, all: readonly TimelineEntry[], tap: ScenarioRole): Verdict {
  const names = x.sequence.map((m) => `${m.pdu.name}${m.sentBy ? ` (${m.sentBy})` : ''}`).join(' → ');
  const found: TimelineEntry[] = [];
  let from = 0;
  for (const m of x.sequence) {
    const i = all.findIndex((e, k) => k >= from && matches(m, tap, e));
    if (i < 0) {
      const earlier = all.find((e) => matches(m, tap, e));
      const sofar = found.length ? `found ${found.map((e) => `${e.name} ${at(e)}`).join(', then ')}, then no ${m.pdu.name}${found.length ? ' after it' : ''}` : `no ${m.pdu.name}`;
      return { ok: false, message: `expected in this order on the ${tap}'s timeline: ${names}; ${sofar}${earlier ? ` (there was one ${at(earlier)}, too early)` : ''}`, path: x.path, ...evidence(tap, earlier ? [earlier] : found.slice(-1)) };
    }
    found.push(all[i]!);
    from = i + 1;
  }
  return { ok: true, message: `in order on the ${tap}'s timeline: ${found.map((e) => `${e.name} ${at(e)}`).join(', ')}`, path: x.path };
}

/** One timeline expectation; `window` narrows step-scoped ones to the step's entries. */
export function evaluateTimeline(x: TimelineExpectation, timelines: Timelines, window?: Partial<Record<ScenarioRole, TimelineWindow>>): Verdict {
  const tap = tapOf(x.kind === 'order' ? x : x.match, timelines);
  const entries = timelines[tap];
  if (!entries) return noTap(tap, x.path);
  const scoped = x.scope === 'step' ? windowed(entries, window?.[tap]) : entries;
  switch (x.kind) {
    case 'seen':
      return seen(x, scoped, tap);
    case 'none':
      return none(x, scoped, tap);
    case 'order':
      return order(x, scoped, tap);
  }
}

/** For the runner's wait step: does this entry, seen on this tap, satisfy the matcher? */
export function entryMatches(m: PduMatcher, tap: ScenarioRole, e: TimelineEntry): boolean {
  return matches(m, tap, e);
}
