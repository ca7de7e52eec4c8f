// A capture's explanation as the explain report's data: each connection's story, the findings with what to do,
// and the capture's chart; every story line and every piece of evidence names a capture frame, linked to the
// chart's arrow for that frame (or the next arrow drawn after it, when the frame itself is not drawn).
import type { CaptureTimeline } from '../../stack/capture/capture-timeline.js';
import { PATTERNS, outcome, type ExplainResult } from '../explain/index.js';
import { buildSequence } from '../sequence/build-sequence.js';
import { arrowKind } from '../sequence/shown.js';
import { chartData, refKey, type ChartData } from './report-data.js';

export interface FrameLink {
  readonly frame: number;
  readonly text: string;
  readonly goto?: string;
}

export interface ExplainData {
  readonly kind: 'explain';
  readonly file: string;
  readonly format: string;
  readonly records: number;
  readonly clean: boolean;
  readonly connections: { readonly title: string; readonly lines: FrameLink[]; readonly outcome: string }[];
  readonly findings: { readonly id: string; readonly title: string; readonly because: string; readonly cause: string; readonly central: string; readonly peripheral: string; readonly evidence: FrameLink[] }[];
  readonly chart: ChartData;
}

/** Frame → the key of the first drawn entry from that frame or after it. */
function frameLinker(tl: CaptureTimeline): (frame: number) => string | undefined {
  const side = tl.role ?? 'central';
  const drawn: { frame: number; key: string }[] = [];
  tl.entries.forEach((e, i) => {
    if (arrowKind(e)) drawn.push({ frame: tl.frames[i]!, key: refKey({ side, seq: e.seq }) });
  });
  return (frame) => {
    let lo = 0;
    let hi = drawn.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (drawn[mid]!.frame < frame) lo = mid + 1;
      else hi = mid;
    }
    return drawn[lo]?.key;
  };
}

export function explainData(r: ExplainResult, tl: CaptureTimeline): ExplainData {
  const link = frameLinker(tl);
  const at = (frame: number, text: string): FrameLink => {
    const goto = link(frame);
    return { frame, text, ...(goto ? { goto } : {}) };
  };
  return {
    kind: 'explain',
    file: r.file,
    format: `${r.info.variant}${r.info.gzip ? ', gzip' : ''}`,
    records: r.records,
    clean: r.findings.length === 0,
    connections: r.connections.map((c) => ({
      title: `connection ${c.number}: central ${c.centralAddress ?? 'unknown'}, peripheral ${c.peripheralAddress ?? 'unknown'}${c.hostRole ? `; this capture's host is the ${c.hostRole}` : ''}`,
      lines: c.lines.map((l) => at(l.frame, l.text)),
      outcome: outcome(c),
    })),
    findings: r.findings.map((f) => {
      const p = PATTERNS[f.id];
      return { id: f.id, title: p.title, because: f.because, cause: p.cause, central: p.central, peripheral: p.peripheral, evidence: f.evidence.map((e) => at(e.frame, e.what)) };
    }),
    chart: chartData(buildSequence({ [tl.role ?? 'central']: tl.entries }), { [tl.role ?? 'central']: tl.entries }),
  };
}
