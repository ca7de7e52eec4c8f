// Finding the tests that run a GATT Test Suite case: a test names the case IDs at the start of its
// own name, then a colon, e.g. it('GATT/SR/GAR/BV-03-C, GATT/SR/GAR/BV-05-C: an open value is read
// by Read By Type and Read Multiple alike', ...). Read from the test files' text (what the README
// table lists) and from vitest's JSON report (whether they passed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ID = String.raw`GATT/SR/[A-Z]{3}/B[VI]-\d{2}-C`;
/** A test name that starts with one or more IDs, comma-separated, then ': '. */
const TAGGED_NAME = new RegExp(String.raw`^(${ID}(?:, ${ID})*): `);
/**
 * The same inside a test file: a string literal (quote, IDs, ': ', the rest up to the closing quote)
 * that is the name of a test: right after `it(`, `test(` or `it.each(…)(`.
 */
const TAGGED_LITERAL = new RegExp(String.raw`(?:\bit|\btest|\))\(\s*(['"\`])(${ID}(?:, ${ID})*): ((?:\\.|(?!\1).)*)\1`, 'g');

/** One tagged test as its file writes it. */
export interface TaggedTest {
  /** The test file, relative to the project root, with forward slashes. */
  file: string;
  ids: string[];
  /** The name after the IDs (a template such as `$name: …` for it.each). */
  name: string;
}

/** The IDs a test name starts with; none when it is not tagged. */
export function idsOfName(name: string): string[] {
  const m = TAGGED_NAME.exec(name);
  return m ? m[1]!.split(', ') : [];
}

/** Every `*.test.ts` under `dir` (relative to root), sorted. */
export function testFiles(root: string, dir = 'test'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir)).sort()) {
    const rel = `${dir}/${entry}`;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...testFiles(root, rel));
    else if (entry.endsWith('.test.ts')) out.push(rel);
  }
  return out;
}

/** The tagged tests in the test files' text, in file then source order. */
export function taggedTests(root: string, files = testFiles(root)): TaggedTest[] {
  const out: TaggedTest[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(TAGGED_LITERAL)) out.push({ file, ids: m[2]!.split(', '), name: m[3]!.replace(/\\(.)/g, '$1') });
  }
  return out;
}

/** What vitest's JSON reporter writes (the parts read here). */
export interface VitestJsonReport {
  testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string }> }>;
}

/** One run of one tagged test, from the report. */
export interface TaggedResult {
  file: string;
  ids: string[];
  passed: boolean;
}

/** The tagged tests' results in a vitest JSON report (file paths made relative to root). */
export function taggedResults(report: VitestJsonReport, root: string): TaggedResult[] {
  const out: TaggedResult[] = [];
  for (const file of report.testResults) {
    const rel = path.relative(root, file.name).split(path.sep).join('/');
    for (const a of file.assertionResults) {
      const ids = idsOfName(a.title);
      // Skipped and todo tests did not run the case.
      if (ids.length && (a.status === 'passed' || a.status === 'failed')) out.push({ file: rel, ids, passed: a.status === 'passed' });
    }
  }
  return out;
}
