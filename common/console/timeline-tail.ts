// The last entries of a tap's timeline that tell the security story (ATT, SMP, L2CAP signaling,
// connection and encryption events), one line each, for a console's "timeline" choice.
import { formatEntry } from '../trace/narrate.js';
import type { Tap } from '../trace/tap.js';
import type { TimelineEntry } from '../trace/timeline.js';

const STORY_LAYERS = new Set(['att', 'smp', 'l2cap-sig', 'malformed']);
const STORY_HCI = /Connection Complete|Disconnection Complete|Encryption Change|Key Refresh|Long Term Key/;

export function isStoryEntry(e: TimelineEntry): boolean {
  return STORY_LAYERS.has(e.layer) || ((e.layer === 'hci-evt' || e.layer === 'hci-cmd') && STORY_HCI.test(e.name));
}

/** The last `count` story entries, formatted, oldest first. */
export function timelineTail(tap: Tap, count = 20): string[] {
  const story = tap.entries.filter(isStoryEntry);
  return story.slice(-count).map((e) => formatEntry(e, tap.name));
}
