// The README's conformance table cannot drift from the tests: its rows are exactly those the test
// files' tagged names give (bin/conformance), every tag is a real GATT Test Suite server case, and the
// tags are read the same way from the source and from vitest's report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATT_SERVER_TEST_CASES } from '../bin/conformance/gatt-test-suite.js';
import { caseResult, conformanceRows, parseTable, renderConformanceTable, tableIn, unknownIds } from '../bin/conformance/conformance-table.js';
import { idsOfName, taggedResults, taggedTests } from '../bin/conformance/tagged-tests.js';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const tests = taggedTests(root);

describe('the conformance table in the README', () => {
  it('is there, between its markers, and lists every case the tests are tagged with, as `npm run conformance` writes it', () => {
    const table = tableIn(readme);
    expect(table, 'README.md has the conformance markers').toBeDefined();
    const recorded = new Map(parseTable(table!).map((r) => [r.id, r.result]));
    // The results are the last run's; everything else must be what the test files say today.
    const expected = renderConformanceTable(conformanceRows(tests, (id) => recorded.get(id) ?? 'not run'));
    expect(table).toBe(expected);
    expect(parseTable(table!).map((r) => r.id)).toEqual([...new Set(tests.flatMap((t) => t.ids))].sort((a, b) => [...GATT_SERVER_TEST_CASES.keys()].indexOf(a) - [...GATT_SERVER_TEST_CASES.keys()].indexOf(b)));
  });

  it('records no failed case', () => {
    expect(parseTable(tableIn(readme) ?? '').filter((r) => r.result !== 'pass').map((r) => `${r.id} ${r.result}`)).toEqual([]);
  });

  it('every tag is a server case of the GATT Test Suite, and the tagged tests are found', () => {
    expect(unknownIds(tests)).toEqual([]);
    expect(tests.length).toBeGreaterThanOrEqual(10);
    expect(tests.some((t) => t.file === 'test/peripheral/access-paths.test.ts' && t.ids.includes('GATT/SR/GAR/BV-03-C'))).toBe(true);
  });
});

describe('reading tags', () => {
  it('takes one or more IDs before the colon, and nothing from an untagged name or a client case', () => {
    expect(idsOfName('GATT/SR/GAR/BV-03-C, GATT/SR/GAR/BV-05-C: an open value is read')).toEqual(['GATT/SR/GAR/BV-03-C', 'GATT/SR/GAR/BV-05-C']);
    expect(idsOfName('an open value is read')).toEqual([]);
    expect(idsOfName('GATT/CL/GAR/BV-01-C: a client case')).toEqual([]);
    expect(idsOfName('reads GATT/SR/GAR/BV-01-C: not at the start')).toEqual([]);
  });

  it("a case passes only when every tagged run passed; a skipped run is no run", () => {
    const report = {
      testResults: [
        {
          name: path.join(root, 'test/x.test.ts'),
          assertionResults: [
            { title: 'GATT/SR/GAR/BV-01-C: a', status: 'passed' },
            { title: 'GATT/SR/GAR/BV-01-C, GATT/SR/GAW/BV-03-C: b', status: 'failed' },
            { title: 'GATT/SR/GAN/BV-01-C: c', status: 'skipped' },
            { title: 'GATT/SR/GAI/BV-01-C: d', status: 'passed' },
          ],
        },
      ],
    };
    const results = taggedResults(report, root);
    expect(results.every((r) => r.file === 'test/x.test.ts')).toBe(true);
    expect(caseResult('GATT/SR/GAR/BV-01-C', results)).toBe('fail');
    expect(caseResult('GATT/SR/GAW/BV-03-C', results)).toBe('fail');
    expect(caseResult('GATT/SR/GAN/BV-01-C', results)).toBe('not run');
    expect(caseResult('GATT/SR/GAI/BV-01-C', results)).toBe('pass');
  });
});
