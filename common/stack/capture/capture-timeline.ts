// A capture as the tap's timeline: every HCI record of one controller decoded by the tap's decoder into
// TimelineEntry values (ms from the first record), and the host's role from its first connection. For checking a
// scenario's timeline expectations against a capture from hardware (blebench run --capture). The whole timeline
// is held: expectations look back over it.
import { LinkTracker, type LinkEvent } from '../trace/link-state.js';
import { PacketDecoder } from '../trace/packet-decoder.js';
import { TraceEntry, emptyScratch, type Decoded } from '../trace/timeline.js';
import type { Capture } from './open-capture.js';
import type { CaptureDamage } from './capture-record.js';

export interface CaptureTimeline {
  entries: TraceEntry[];
  /** The capture's frame (1-based, as Wireshark numbers it) each entry came from: frames[i] for entries[i]. */
  frames: number[];
  /** This capture's host role on its first connection; undefined when the capture has none. */
  role?: 'central' | 'peripheral';
  controller: number;
  damage?: CaptureDamage;
  records: number;
}

/** The timeline of `controller` (default: the first controller with an HCI packet). */
export async function captureTimeline(cap: Capture, controller?: number): Promise<CaptureTimeline> {
  const decoder = new PacketDecoder();
  const tracker = new LinkTracker();
  const entries: TraceEntry[] = [];
  const frames: number[] = [];
  const scratch: Decoded<object>[] = [];
  const events: LinkEvent[] = [];
  let t0: number | undefined;
  let chosen = controller;
  let role: CaptureTimeline['role'];
  for await (const batch of cap.batches()) {
    for (const r of batch) {
      if (r.type !== 'hci') continue;
      chosen ??= r.controller;
      if (r.controller !== chosen) continue;
      t0 ??= r.unixMs;
      decoder.decode(r.dir, r.packet, scratch);
      for (const d of scratch) {
        const e = new TraceEntry(entries.length, r.unixMs - t0, r.dir, d);
        entries.push(e);
        frames.push(r.frame);
        tracker.apply(e, events);
        for (const ev of events) if (ev.event === 'link') role ??= ev.link.role;
        emptyScratch(events);
      }
      emptyScratch(scratch);
    }
  }
  return { entries, frames, ...(role ? { role } : {}), controller: chosen ?? 0, ...(cap.damage ? { damage: cap.damage } : {}), records: cap.recordsRead };
}
