// The last entries of a tap's timeline that tell the security story (ATT, SMP, L2CAP signaling,
// connection and encryption events), one line each, for a console's "timeline" choice.
import { formatEntry, isStoryEntry } from '../../stack/trace/narrate.js';
import type { Tap } from '../../stack/trace/tap.js';

/** The last `count` story entries, formatted, oldest first. */
export function timelineTail(tap: Tap, count = 20): string[] {
  const story = tap.entries.filter(isStoryEntry);
  const links = tap.links();
  return story.slice(-count).map((e) => formatEntry(e, tap.name, links));
}
