// The central report's data: the matrix (a row per characteristic and operation, a column per phase), each
// cell coloured by what came back (a value, a security error, another error) with its reason in words and a
// link to its first drawn entry in the central tap's chart.
import type { TimelineEntry } from '../../stack/trace/timeline.js';
import { arrowKind } from '../sequence/shown.js';
import { refKey, timelineChart, type ChartData } from './report-data.js';

/** value: the operation did what was asked; security: an ATT security error or a failed pairing; other: any other error. */
export type CellClass = 'value' | 'security' | 'other' | 'none';

export interface MatrixCellData {
  readonly cls: CellClass;
  readonly text: string;
  readonly why: string;
  readonly goto?: string;
}

export interface CentralData {
  readonly kind: 'central';
  readonly target: string;
  readonly policy: string;
  readonly phases: readonly string[];
  readonly rows: readonly string[];
  /** cells[row][phase]. */
  readonly cells: readonly (readonly MatrixCellData[])[];
  readonly differences: readonly string[];
  readonly chart: ChartData;
}

/** The key of the first entry the chart draws in [from, to) of the central's tap. */
export function firstDrawn(entries: readonly TimelineEntry[], range: { from: number; to: number } | undefined): string | undefined {
  if (!range) return undefined;
  const hit = entries.find((e) => e.seq >= range.from && e.seq < range.to && arrowKind(e) !== undefined);
  return hit ? refKey({ side: 'central', seq: hit.seq }) : undefined;
}

export function centralChart(entries: readonly TimelineEntry[]): ChartData {
  return timelineChart({ central: entries });
}
