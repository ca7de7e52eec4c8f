// Timeline lines for people: time, which side's tap, direction, and the decoded summary.
import type { Tap } from '../common/stack/trace/tap.js';
import { connectionNote, isStoryEntry } from '../common/stack/trace/narrate.js';
import type { LinkState } from '../common/stack/trace/link-state.js';
import type { TimelineEntry } from '../common/stack/trace/timeline.js';


export function formatTimelineLine(side: string, e: TimelineEntry, at: number = e.ms, links?: readonly LinkState[]): string {
  const arrow = e.dir === 'tx' ? '→' : '←';
  return `${at.toFixed(1).padStart(8)} ms  ${side.padEnd(10)} ${arrow} ${e.summary}${links ? connectionNote(e, links) : ''}`;
}

/** Entries of several taps merged by time (each side may have its own filter); times from the first tap's start. */
export function mergeTimelines(sides: Array<[string, Tap, ((e: TimelineEntry) => boolean)?]>): string[] {
  const origin = Math.min(...sides.map(([, tap]) => tap.startedAt));
  const all: Array<[string, TimelineEntry, number, readonly LinkState[]]> = [];
  for (const [side, tap, keep = isStoryEntry] of sides) {
    const links = tap.links();
    for (const e of tap.entries) if (keep(e)) all.push([side, e, tap.startedAt - origin + e.ms, links]);
  }
  all.sort((a, b) => a[2] - b[2]);
  return all.map(([side, e, at, links]) => formatTimelineLine(side, e, at, links));
}
