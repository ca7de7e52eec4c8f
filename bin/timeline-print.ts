// Timeline lines for people: time, which side's tap, direction, and the decoded summary.
import type { Tap } from '../common/trace/tap.js';
import type { TimelineEntry } from '../common/trace/timeline.js';

const INTERESTING = new Set(['att', 'smp', 'l2cap-sig', 'malformed']);
const INTERESTING_HCI = /Connection Complete|Disconnection Complete|Encryption Change|Key Refresh|Long Term Key/;

/** ATT, SMP, signaling and the link-level HCI events that tell the security story. */
export function isStoryEntry(e: TimelineEntry): boolean {
  return INTERESTING.has(e.layer) || ((e.layer === 'hci-evt' || e.layer === 'hci-cmd') && INTERESTING_HCI.test(e.name));
}

export function formatEntry(side: string, e: TimelineEntry, at: number = e.ms): string {
  const arrow = e.dir === 'tx' ? '→' : '←';
  return `${at.toFixed(1).padStart(8)} ms  ${side.padEnd(10)} ${arrow} ${e.summary}`;
}

/** Entries of several taps merged by time (each side may have its own filter); times from the first tap's start. */
export function mergeTimelines(sides: Array<[string, Tap, ((e: TimelineEntry) => boolean)?]>): string[] {
  const origin = Math.min(...sides.map(([, tap]) => tap.startedAt));
  const all: Array<[string, TimelineEntry, number]> = [];
  for (const [side, tap, keep = isStoryEntry] of sides) for (const e of tap.entries) if (keep(e)) all.push([side, e, tap.startedAt - origin + e.ms]);
  all.sort((a, b) => a[2] - b[2]);
  return all.map(([side, e, at]) => formatEntry(side, e, at));
}
