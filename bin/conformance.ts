// `npm run conformance`: runs the test files that carry GATT Test Suite case IDs in their test names
// (vitest, JSON reporter), then writes the README's conformance table from those IDs and the results.
// `--report FILE` reads an existing vitest JSON report instead of running the tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caseResult, conformanceRows, renderConformanceTable, unknownIds, withTable } from './conformance/conformance-table.js';
import { taggedResults, taggedTests, type VitestJsonReport } from './conformance/tagged-tests.js';

const root = path.resolve(import.meta.dirname, import.meta.dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

function fail(message: string): never {
  process.stderr.write(`blebench conformance: ${message}\n`);
  process.exit(2);
}

const tests = taggedTests(root);
const unknown = unknownIds(tests);
if (unknown.length) fail(`test names carry IDs the GATT Test Suite's server cases do not have: ${unknown.join(', ')} (bin/conformance/gatt-test-suite.ts lists them)`);
const files = [...new Set(tests.map((t) => t.file))];

const args = process.argv.slice(2);
const at = args.indexOf('--report');
let report: VitestJsonReport;
if (at >= 0) {
  const file = args[at + 1] ?? fail('--report needs a file (vitest --reporter=json --outputFile=FILE)');
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport;
  } catch (e) {
    fail(`${file}: not a vitest JSON report (${(e as Error).message})`);
  }
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-conformance-'));
  const out = path.join(dir, 'report.json');
  try {
    process.stdout.write(`running ${files.length} test files with tagged tests: ${files.join(' ')}\n`);
    // A failing test is a result to record, not the end of the script: the exit code is not checked.
    spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...files, '--reporter=json', `--outputFile=${out}`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      report = JSON.parse(readFileSync(out, 'utf8')) as VitestJsonReport;
    } catch (e) {
      fail(`vitest wrote no report (${(e as Error).message})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = taggedResults(report, root);
const rows = conformanceRows(tests, (id) => caseResult(id, results));
const readmePath = path.join(root, 'README.md');
writeFileSync(readmePath, withTable(readFileSync(readmePath, 'utf8'), renderConformanceTable(rows)));
const failed = rows.filter((r) => r.result !== 'pass');
process.stdout.write(`README.md: ${rows.length} GATT server test cases, ${rows.length - failed.length} passed${failed.length ? `; not passed: ${failed.map((r) => `${r.id} (${r.result})`).join(', ')}` : ''}\n`);
process.exit(failed.some((r) => r.result === 'fail') ? 1 : 0);
