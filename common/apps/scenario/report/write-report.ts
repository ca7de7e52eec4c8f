// Reports go to a stream (stdout by default) or to --out FILE, written atomically: a temporary file in the
// same folder, then a rename, so a reader never sees half a report.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import type { SuiteResult } from './result.js';
import { tableReport } from './table.js';
import { mermaidReport } from './mermaid.js';
import { htmlRunReport } from '../../html/index.js';
import { escapeForTerminal, escapeJsonForTerminal } from '../../../base/output/escape.js';
import type { TextStyle } from '../../../base/output/style.js';

export const REPORTERS = ['table', 'json', 'junit', 'mermaid', 'html'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** Scenario names, files and failures quote files and peers: every report is escaped for a terminal (JSON stays JSON). */
export function renderReport(reporter: ReporterName, suite: SuiteResult, style?: TextStyle): string {
  switch (reporter) {
    case 'table':
      // The table escapes each field before painting (its colours are blebench's own).
      return tableReport(suite, style);
    case 'json':
      return escapeJsonForTerminal(jsonReport(suite));
    case 'junit':
      // XML 1.0 cannot carry C0 controls at all (§2.2): shown as escapes, as on a terminal.
      return escapeForTerminal(junitReport(suite));
    case 'mermaid':
      return escapeForTerminal(mermaidReport(suite));
    case 'html':
      // Peer and file text is inside the page's JSON: escaped there as in the JSON report.
      return escapeJsonForTerminal(htmlRunReport(suite));
  }
}

export async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export interface ReportTarget {
  /** --out FILE: written atomically. */
  readonly out?: string;
  /** Otherwise this stream (stdout by default). */
  readonly stream?: Writable;
  /** The table's colour and width on that stream (plain, 100 columns, by default; a file is always plain). */
  readonly style?: TextStyle;
}

export async function writeReport(reporter: ReporterName, suite: SuiteResult, target: ReportTarget = {}): Promise<void> {
  const text = renderReport(reporter, suite, target.out ? undefined : target.style);
  if (target.out) return writeAtomically(target.out, text);
  const stream = target.stream ?? process.stdout;
  await new Promise<void>((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));
}
