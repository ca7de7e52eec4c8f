// The link's security after each entry of one tap: the tap's own LinkTracker fed the whole timeline in order
// (commands included: the LTK handed to the controller, Read Encryption Key Size), read for the entry's link.
// Authenticated: encrypted with a key from a pairing that gives MITM protection (not Just Works), as
// `expect.security` reads it (Vol 3 Part H 2.3.5.1).
import { LinkTracker, type LinkEvent, type LinkState } from '../../stack/trace/link-state.js';
import { emptyScratch, type TimelineEntry } from '../../stack/trace/timeline.js';
import { linkSecurity } from '../scenario/expect/link-security.js';
import type { LinkSecurityLevel, SecurityState } from './sequence.js';

const NO_LINK: SecurityState = { level: 'no link' };

function stateOf(link: LinkState | undefined): SecurityState {
  if (!link || !link.connected) return NO_LINK;
  const s = linkSecurity(link);
  if (!s || !s.encrypted) return { level: 'unencrypted' };
  return { level: s.authenticated ? 'authenticated' : 'encrypted', ...(s.keySize !== undefined ? { keySize: s.keySize } : {}) };
}

/** The state after each entry `wanted` asks about (by seq); other entries are read by the tracker but not kept. */
export function securityAfter(entries: readonly TimelineEntry[], wanted: (e: TimelineEntry) => boolean): Map<number, SecurityState> {
  const tracker = new LinkTracker();
  const events: LinkEvent[] = [];
  const out = new Map<number, SecurityState>();
  let lastHandle: number | undefined;
  for (const e of entries) {
    tracker.apply(e, events);
    emptyScratch(events);
    if (e.handle !== undefined) lastHandle = e.handle;
    if (wanted(e)) out.set(e.seq, stateOf(lastHandle === undefined ? undefined : tracker.link(lastHandle)));
  }
  return out;
}

export function sameState(a: SecurityState, b: SecurityState): boolean {
  return a.level === b.level && a.keySize === b.keySize;
}

const RANK: Record<LinkSecurityLevel, number> = { 'no link': 0, unencrypted: 1, encrypted: 2, authenticated: 3 };

/** The weaker of several views of one link: the lowest level, and the smallest key size among them. */
export function weakest(states: readonly SecurityState[]): SecurityState {
  let low = states[0] ?? NO_LINK;
  for (const s of states) if (RANK[s.level] < RANK[low.level]) low = s;
  const sizes = states.filter((s) => RANK[s.level] >= RANK.encrypted && s.keySize !== undefined).map((s) => s.keySize!);
  if (RANK[low.level] < RANK.encrypted || !sizes.length) return low;
  return { level: low.level, keySize: Math.min(...sizes) };
}
