// The timeline for humans: one line per entry, the way the logs and the interactive consoles print it.
//   +  12.345 ms  central  → #14 ATT Read Request: handle 0x0003
//   +  13.002 ms  central  ← #15 ATT Error Response: Read Request handle 0x0003 → 0x05 Insufficient Authentication
import type { TimelineEntry } from './timeline.js';

export interface NarrateOptions {
  /** Prefix every line with this (the tap's name). */
  who?: string;
  /** Leave out layers nobody asked for (e.g. Number Of Completed Packets noise). */
  skip?: (e: TimelineEntry) => boolean;
}

/** tx (host → controller) is '→', rx (controller → host) is '←'. */
const STORY_LAYERS = new Set(['att', 'smp', 'l2cap-sig', 'malformed']);
const STORY_HCI = /Connection Complete|Disconnection Complete|Encryption Change|Key Refresh|Long Term Key/;

/** ATT, SMP, signaling and the link-level HCI events that tell the security story. */
export function isStoryEntry(e: TimelineEntry): boolean {
  return STORY_LAYERS.has(e.layer) || ((e.layer === 'hci-evt' || e.layer === 'hci-cmd') && STORY_HCI.test(e.name));
}

export function formatEntry(e: TimelineEntry, who?: string): string {
  const t = `+${e.ms.toFixed(3).padStart(10)} ms`;
  return `${t}  ${who ? who + '  ' : ''}${e.dir === 'tx' ? '→' : '←'} #${e.seq} ${e.summary}`;
}

export function narrate(entries: Iterable<TimelineEntry>, options: NarrateOptions = {}): string {
  const lines: string[] = [];
  for (const e of entries) if (!options.skip?.(e)) lines.push(formatEntry(e, options.who));
  return lines.join('\n');
}

/** The usual noise filter: flow-control bookkeeping that says nothing about the exchange. */
export function isFlowControlNoise(e: TimelineEntry): boolean {
  return e.name === 'HCI Number Of Completed Packets' || e.name === 'HCI Host Number Of Completed Packets';
}
