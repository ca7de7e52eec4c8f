// Several centrals in one scenario: the order their steps run in, where each tap stood when a step
// started, and which of the peripheral's connections is whose. Steps run one at a time, in turns:
// step 1 of each central in the file's order, then step 2 of each, …; a central whose steps are done
// sits its turns out. One step at a time keeps each step's entries in its own window on every tap.
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import type { Tap } from '../../../stack/trace/tap.js';
import type { ScenarioCentral, Step } from '../scenario.js';
import type { NamedCentralPort, Rig } from './ports.js';

/** The centrals' steps in the order they run. */
export function inTurns(centrals: readonly ScenarioCentral[]): Array<{ readonly central: string; readonly step: Step }> {
  const out: Array<{ central: string; step: Step }> = [];
  const longest = Math.max(0, ...centrals.map((c) => c.steps.length));
  for (let i = 0; i < longest; i++) for (const c of centrals) if (c.steps[i]) out.push({ central: c.name, step: c.steps[i]! });
  return out;
}

/** Where every tap stands (the next entry's seq): the peripheral's and each central's by name. */
export interface TapMarks {
  readonly peripheral?: number;
  readonly centrals: Readonly<Record<string, number>>;
}

export function nextSeq(tap: Tap): number {
  return (tap.entries.at(-1)?.seq ?? -1) + 1;
}

export function tapMarks(rig: Rig, ports: readonly NamedCentralPort[]): TapMarks {
  return { ...(rig.peripheral ? { peripheral: nextSeq(rig.peripheral.tap) } : {}), centrals: Object.fromEntries(ports.map((p) => [p.name, nextSeq(p.port.tap)])) };
}

/** The rig's centrals by name: every one of a `centrals:` scenario, or the one central. */
export function centralPorts(rig: Rig, firstName: string): readonly NamedCentralPort[] {
  return rig.centrals ?? (rig.central ? [{ name: firstName, port: rig.central }] : []);
}

/** One of the peripheral's connections and the central it is: the handle in the peripheral's timeline. */
export interface ConnectionOwner {
  readonly central: string;
  readonly handle: number;
  readonly address: string;
  /** The seq of its connection complete on the peripheral's timeline (a handle may be used again later). */
  readonly since: number;
}

/** Whose connection a peripheral-side entry is on (the owner of its handle at that point), if any. */
export function ownerOf(owners: readonly ConnectionOwner[], e: TimelineEntry): string | undefined {
  if (e.handle === undefined) return undefined;
  let best: ConnectionOwner | undefined;
  for (const o of owners) if (o.handle === e.handle && o.since <= e.seq && (!best || o.since > best.since)) best = o;
  return best?.central;
}

const CONNECTION_COMPLETE = /^HCI LE (Enhanced )?Connection Complete$/;

/**
 * The peripheral's connections that came up within [from, to) of its timeline: they are this
 * central's (its connect or reconnect step ran alone then).
 */
export function connectionsIn(entries: readonly TimelineEntry[], from: number, to: number, central: string): ConnectionOwner[] {
  return entries
    .filter((e) => e.seq >= from && e.seq < to && e.dir === 'rx' && CONNECTION_COMPLETE.test(e.name) && e.fields.status === 0 && e.handle !== undefined)
    .map((e) => ({ central, handle: e.handle!, address: String(e.fields.peerAddress ?? ''), since: e.seq }));
}
