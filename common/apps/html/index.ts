// html: the reports as one self-contained HTML page each (inline CSS, JS, SVG; no network).
import type { SuiteResult } from '../scenario/report/result.js';
import { RUN_SCRIPT } from './client-run.js';
import { htmlPage } from './html-page.js';
import { runData } from './run-data.js';

export function htmlRunReport(suite: SuiteResult): string {
  return htmlPage(`blebench run: ${suite.results.length} scenarios, seed ${suite.seed}`, runData(suite), RUN_SCRIPT);
}
