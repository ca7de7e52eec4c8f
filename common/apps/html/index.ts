// html: the reports as one self-contained HTML page each (inline CSS, JS, SVG; no network).
import type { SuiteResult } from '../scenario/report/result.js';
import { RUN_SCRIPT } from './client-run.js';
import { htmlPage } from './html-page.js';
import { runData } from './run-data.js';
import type { ExplainResult } from '../explain/explain-capture.js';
import type { CaptureTimeline } from '../../stack/capture/capture-timeline.js';
import { EXPLAIN_SCRIPT } from './client-explain.js';
import { explainData } from './explain-data.js';
import { CENTRAL_SCRIPT } from './client-central.js';
import type { CentralData } from './central-data.js';
export { centralChart, firstDrawn, type CellClass, type CentralData, type MatrixCellData } from './central-data.js';

export function htmlRunReport(suite: SuiteResult): string {
  return htmlPage(`blebench run: ${suite.results.length} scenarios, seed ${suite.seed}`, runData(suite), RUN_SCRIPT);
}

/** `blebench explain FILE --html OUT`: the story and findings of `r`, and the chart of the capture's timeline `tl`. */
export function htmlExplainReport(r: ExplainResult, tl: CaptureTimeline): string {
  return htmlPage(`blebench explain: ${r.file}`, explainData(r, tl), EXPLAIN_SCRIPT);
}

/** `blebench central --html OUT`: the matrix (data made by central/matrix/render-html.ts) and the central tap's chart. */
export function htmlCentralReport(data: CentralData): string {
  return htmlPage(`blebench central: ${data.target}`, data, CENTRAL_SCRIPT);
}
