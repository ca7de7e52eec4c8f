// A capture's sequence: the first controller's timeline (stack/capture/capture-timeline.ts) drawn from that
// host's side; the host's role comes from its first connection (a capture without one is drawn as a central's).
import { captureTimeline, type CaptureTimeline } from '../../stack/capture/capture-timeline.js';
import { openCapture } from '../../stack/capture/open-capture.js';
import { buildSequence } from './build-sequence.js';
import type { SequenceModel } from './sequence.js';

export interface CaptureSequence {
  readonly timeline: CaptureTimeline;
  readonly model: SequenceModel;
}

export async function captureSequence(file: string): Promise<CaptureSequence> {
  const timeline = await captureTimeline(await openCapture(file));
  return { timeline, model: buildSequence({ [timeline.role ?? 'central']: timeline.entries }) };
}
