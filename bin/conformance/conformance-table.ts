// The README's conformance table: one row per GATT Test Suite server case that a test runs, its
// title, the test files that run it, and the result of the last `npm run conformance`. The rows come
// from the test files (tagged-tests.ts), the results from vitest's report; the table sits between two
// markers in README.md, and test/conformance.test.ts checks it matches the test files.
import { GATT_SERVER_TEST_CASES } from './gatt-test-suite.js';
import type { TaggedResult, TaggedTest } from './tagged-tests.js';

export const TABLE_BEGIN = '<!-- conformance:begin (npm run conformance writes this table) -->';
export const TABLE_END = '<!-- conformance:end -->';

export type CaseResult = 'pass' | 'fail' | 'not run';

export interface ConformanceRow {
  id: string;
  title: string;
  /** The test files that run the case, with how many of their tests do. */
  tests: string;
  result: CaseResult;
}

/** IDs in the tests that the GATT Test Suite does not have (a typo or a client case): each must be fixed. */
export function unknownIds(tests: readonly TaggedTest[]): string[] {
  return [...new Set(tests.flatMap((t) => t.ids))].filter((id) => !GATT_SERVER_TEST_CASES.has(id)).sort();
}

/** The result of one case: pass when every run of every test tagged with it passed. */
export function caseResult(id: string, results: readonly TaggedResult[]): CaseResult {
  const runs = results.filter((r) => r.ids.includes(id));
  if (runs.length === 0) return 'not run';
  return runs.every((r) => r.passed) ? 'pass' : 'fail';
}

/** The rows, in the test suite's order, for every known case some test is tagged with. */
export function conformanceRows(tests: readonly TaggedTest[], resultOf: (id: string) => CaseResult): ConformanceRow[] {
  const rows: ConformanceRow[] = [];
  for (const [id, title] of GATT_SERVER_TEST_CASES) {
    const tagged = tests.filter((t) => t.ids.includes(id));
    if (!tagged.length) continue;
    const perFile = new Map<string, number>();
    for (const t of tagged) perFile.set(t.file, (perFile.get(t.file) ?? 0) + 1);
    const files = [...perFile].map(([file, n]) => `\`${file}\` (${n})`).join(', ');
    rows.push({ id, title, tests: files, result: resultOf(id) });
  }
  return rows;
}

const RESULT_TEXT: Record<CaseResult, string> = { pass: 'pass', fail: '**FAIL**', 'not run': 'not run' };

/** The Markdown between the markers. */
export function renderConformanceTable(rows: readonly ConformanceRow[]): string {
  const passed = rows.filter((r) => r.result === 'pass').length;
  const lines = [
    `blebench's tests run ${rows.length} of the ${GATT_SERVER_TEST_CASES.size} GATT Test Suite server cases listed in \`bin/conformance/gatt-test-suite.ts\`; ${passed} passed in the last \`npm run conformance\`.`,
    '',
    '| Test case (GATT.TS) | Procedure | Run by (tests) | Result |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.id} | ${r.title} | ${r.tests} | ${RESULT_TEXT[r.result]} |`),
  ];
  return lines.join('\n');
}

/** The rows of a rendered table, read back (the results as written). */
export function parseTable(markdown: string): ConformanceRow[] {
  const back = new Map(Object.entries(RESULT_TEXT).map(([k, v]) => [v, k as CaseResult]));
  return markdown
    .split('\n')
    .filter((l) => /^\| GATT\//.test(l))
    .map((l) => {
      const [id, title, tests, result] = l.slice(2, -2).split(' | ');
      return { id: id!, title: title!, tests: tests!, result: back.get(result!) ?? ('?' as CaseResult) };
    });
}

/** The text between the markers in a README; undefined when the markers are missing. */
export function tableIn(readme: string): string | undefined {
  const a = readme.indexOf(TABLE_BEGIN);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) return undefined;
  return readme.slice(a + TABLE_BEGIN.length, b).trim();
}

/** The README with `table` between the markers. */
export function withTable(readme: string, table: string): string {
  const a = readme.indexOf(TABLE_BEGIN);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${TABLE_BEGIN} … ${TABLE_END} markers`);
  return `${readme.slice(0, a + TABLE_BEGIN.length)}\n${table}\n${readme.slice(b)}`;
}
