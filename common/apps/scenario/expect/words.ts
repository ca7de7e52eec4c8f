// Plain words for expectations and what happened: "the central sent SMP Pairing Request with
// ioCapability NoInputNoOutput at 12.3 ms (#19)".
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import type { PduMatcher } from '../scenario.js';

export const at = (e: TimelineEntry): string => `at ${e.ms.toFixed(1)} ms (#${e.seq})`;

export function fieldsText(fields: Readonly<Record<string, unknown>> | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  return ' with ' + Object.entries(fields).map(([k, v]) => `${k} ${show(v)}`).join(', ');
}

export function show(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.length ? v.toString('hex') : 'empty';
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (Buffer.isBuffer(x) ? x.toString('hex') : x));
  return String(v);
}

/** "the central sent" / "there was". */
export function didWords(m: PduMatcher): string {
  return m.sentBy ? `the ${m.sentBy} sent` : 'there was';
}

export function times(n: number): string {
  return n === 0 ? 'none' : n === 1 ? 'one' : String(n);
}

export function listAt(entries: readonly TimelineEntry[], max = 3): string {
  const shown = entries.slice(0, max).map(at).join(', ');
  return entries.length > max ? `${shown} and ${entries.length - max} more` : shown;
}

/** "01 02 03" style, or "empty". */
export function hexWords(b: Buffer): string {
  return b.length ? b.toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ') : 'empty';
}
