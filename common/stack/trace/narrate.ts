// The timeline for humans: one line per entry, the way the logs and the interactive consoles print it.
//   +  12.345 ms  central  → #14 ATT Read Request: handle 0x0003
//   +  13.002 ms  central  ← #15 ATT Error Response: Read Request handle 0x0003 → 0x05 Insufficient Authentication
import type { TimelineEntry } from './timeline.js';
import type { LinkState } from './link-state.js';
import { peerAddressLine } from './address-line.js';

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

export function formatEntry(e: TimelineEntry, who?: string, links?: readonly LinkState[]): string {
  const t = `+${e.ms.toFixed(3).padStart(10)} ms`;
  return `${t}  ${who ? who + '  ' : ''}${e.dir === 'tx' ? '→' : '←'} #${e.seq} ${e.summary}${links ? connectionNote(e, links) : ''}`;
}

/**
 * After a connection's LE (Enhanced) Connection Complete, the peer's address on the air and its identity
 * as known now (address-line.ts): "  [peer: RPA 5A:… → identity C0:… (public)]".
 */
export function connectionNote(e: TimelineEntry, links: readonly LinkState[]): string {
  if (e.layer !== 'hci-evt' || !CONNECTION_COMPLETE.test(e.name) || e.handle === undefined) return '';
  const link = links.find((l) => l.handle === e.handle && l.connectedAtMs === e.ms);
  return link ? `  [peer: ${peerAddressLine(link)}]` : '';
}
const CONNECTION_COMPLETE = /^HCI LE (Enhanced )?Connection Complete/;

export function narrate(entries: Iterable<TimelineEntry>, options: NarrateOptions = {}): string {
  const lines: string[] = [];
  for (const e of entries) if (!options.skip?.(e)) lines.push(formatEntry(e, options.who));
  return lines.join('\n');
}

/** The usual noise filter: flow-control bookkeeping that says nothing about the exchange. */
export function isFlowControlNoise(e: TimelineEntry): boolean {
  return e.name === 'HCI Number Of Completed Packets' || e.name === 'HCI Host Number Of Completed Packets';
}
