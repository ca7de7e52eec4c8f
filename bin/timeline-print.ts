// Timeline lines for people: time, which side's tap, direction, and the decoded summary.
import type { TimelineEntry } from '../common/trace/timeline.js';

const INTERESTING = new Set(['att', 'smp', 'l2cap-sig', 'malformed']);
const INTERESTING_HCI = /Connection Complete|Disconnection Complete|Encryption Change|Key Refresh|Long Term Key/;

/** ATT, SMP, signaling and the link-level HCI events that tell the security story. */
export function isStoryEntry(e: TimelineEntry): boolean {
  return INTERESTING.has(e.layer) || ((e.layer === 'hci-evt' || e.layer === 'hci-cmd') && INTERESTING_HCI.test(e.name));
}

export function formatEntry(side: string, e: TimelineEntry): string {
  const arrow = e.dir === 'tx' ? '→' : '←';
  return `${e.ms.toFixed(1).padStart(8)} ms  ${side.padEnd(10)} ${arrow} ${e.summary}`;
}

/** Entries of several taps merged by time. */
export function mergeTimelines(sides: Array<[string, readonly TimelineEntry[]]>, keep: (e: TimelineEntry) => boolean = isStoryEntry): string[] {
  const all: Array<[string, TimelineEntry, number]> = [];
  for (const [side, entries] of sides) for (const e of entries) if (keep(e)) all.push([side, e, e.ms]);
  all.sort((a, b) => a[2] - b[2]);
  return all.map(([side, e]) => formatEntry(side, e));
}
