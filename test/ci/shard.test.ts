// `run --shard K/N`: the split by a hash of the path (stable when files come and go), the flag's
// edges, and the merge of shard reports (JSON and JUnit) with its refusals.
import { describe, expect, it } from 'vitest';
import { filesOfShard, fnv1a, parseShard, shardKey, shardOf } from '../../common/apps/scenario/shard.js';
import { mergeReports } from '../../common/apps/scenario/report/merge.js';
import { jsonReport, junitReport, type ScenarioResult, type SuiteResult } from '../../common/apps/scenario/index.js';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import { main } from '../../bin/main.js';

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['3/3', { index: 3, count: 3 }],
    [' 2 / 5 ', { index: 2, count: 5 }],
    ['1000/1000', { index: 1000, count: 1000 }],
  ])('%j is a shard', (text, shard) => expect(parseShard(text)).toEqual(shard));
  it.each(['0/3', '4/3', '1/0', '1/1001', '1', '1/', '/3', 'a/b', '-1/3', '1.5/3', '1/3/5', ''])('%j is not, and says why', (text) => {
    expect(typeof parseShard(text)).toBe('string');
  });
});

describe('the split', () => {
  it('FNV-1a 32 is the published function (test vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  const files = Array.from({ length: 60 }, (_, i) => `suite/group-${i % 4}/scenario-${i}.yaml`);

  it('every file is in exactly one of N shards, for N = 1..7', () => {
    for (let n = 1; n <= 7; n++) {
      const shards = Array.from({ length: n }, (_, k) => filesOfShard(files, ['suite'], { index: k + 1, count: n }, '/x'));
      expect(shards.flat().sort()).toEqual([...files].sort());
    }
  });

  it('adding and removing files moves no other file to another shard', () => {
    const before = new Map(files.map((f) => [f, shardOf(shardKey(f, ['suite'], '/x'), 3)]));
    const changed = [...files.slice(5), 'suite/new-a.yaml', 'suite/group-2/new-b.yaml'];
    for (const f of changed) if (before.has(f)) expect(shardOf(shardKey(f, ['suite'], '/x'), 3)).toBe(before.get(f));
  });

  it('the key is the path below the folder named, whatever the checkout directory or spelling', () => {
    expect(shardKey('fixtures/scenarios/pairing/refused.yaml', ['fixtures/scenarios'], '/home/a/repo')).toBe('pairing/refused.yaml');
    expect(shardKey('fixtures/scenarios/pairing/refused.yaml', ['./fixtures/scenarios/'], '/ci/build/7')).toBe('pairing/refused.yaml');
    expect(shardKey('/ci/build/7/fixtures/scenarios/a.yaml', ['fixtures/scenarios'], '/ci/build/7')).toBe('a.yaml');
    expect(shardKey('one/named.yaml', ['one/named.yaml'], '/x')).toBe('named.yaml');
  });
});

function result(file: string, status: ScenarioResult['status']): ScenarioResult {
  return { name: file.replace(/\W/g, ' '), file, qualification: [], tags: [], status, durationMs: 12, steps: [], verdicts: [], timelines: {}, seed: 7, ...(status === 'error' ? { error: 'it broke <here> ]]> too' } : {}) };
}
function suite(index: number, count: number, results: ScenarioResult[]): SuiteResult {
  return { results, seed: 7, shard: { index, count, suiteTotal: 5 } };
}
const shards = [suite(1, 3, [result('s/a.yaml', 'passed'), result('s/b.yaml', 'failed')]), suite(2, 3, [result('s/c.yaml', 'passed')]), suite(3, 3, [result('s/d.yaml', 'passed'), result('s/e.yaml', 'error')])];

describe('report merge', () => {
  it('each shard report says which shard it is', () => {
    expect(JSON.parse(jsonReport(shards[1]!)).shard).toEqual({ index: 2, count: 3, suiteTotal: 5 });
    const xml = junitReport(shards[1]!);
    expect(xml).toContain('<property name="shard" value="2/3"/>');
    expect(xml).toContain('name="blebench scenarios (shard 2/3)"');
  });

  it('JSON: every scenario once, counts summed, each scenario tagged with its shard', () => {
    const m = mergeReports(shards.map((s, i) => ({ file: `r${i}.json`, text: jsonReport(s) })));
    const doc = JSON.parse(m.text) as { passed: number; failed: number; scenarios: Array<{ file: string; shard: string }>; missingShards: string[] };
    expect(doc.scenarios.map((s) => s.file).sort()).toEqual(['s/a.yaml', 's/b.yaml', 's/c.yaml', 's/d.yaml', 's/e.yaml']);
    expect([doc.passed, doc.failed, m.missingShards]).toEqual([3, 2, []]);
    expect(doc.scenarios.find((s) => s.file === 's/c.yaml')!.shard).toBe('2/3');
  });

  it('JUnit: one <testsuites> holding every shard\'s suite, totals summed', () => {
    const m = mergeReports(shards.map((s, i) => ({ file: `r${i}.xml`, text: junitReport(s) })));
    expect(m.text.match(/<testcase\b/g)).toHaveLength(5);
    expect(m.text.match(/<testsuite\b/g)).toHaveLength(3);
    expect(m.text).toMatch(/<testsuites name="blebench scenarios" tests="5" failures="1" errors="1"/);
    expect([m.passed, m.failed]).toEqual([3, 2]);
  });

  it('names the missing shard', () => {
    expect(mergeReports([shards[0]!, shards[2]!].map((s, i) => ({ file: `r${i}.json`, text: jsonReport(s) }))).missingShards).toEqual(['2/3']);
  });

  it.each([
    ['the same shard twice', [jsonReport(shards[0]!), jsonReport(shards[0]!)], /shard 1\/3, as r0 is/],
    ['a scenario in two reports', [jsonReport(shards[0]!), jsonReport(suite(2, 3, [result('s/a.yaml', 'passed')]))], /has scenario s\/a\.yaml, which r0 has too/],
    ['different splits', [jsonReport(shards[0]!), jsonReport(suite(2, 4, []))], /shard 2\/4 but r0 is of a split into 3/],
    ['JSON with JUnit', [jsonReport(shards[0]!), junitReport(shards[1]!)], /is JUnit XML but r0 is JSON/],
    ['not a report', ['{"a":1}'], /not a blebench JSON report/],
    ['not JSON', ['{"a":'], /not valid JSON/],
    ['a JUnit file cut short', [junitReport(shards[0]!).slice(0, 200)], /does not end/],
    ['neither', ['hello'], /neither a JSON nor a JUnit XML report/],
  ])('refuses %s (bad input, the file named)', (_what, texts, message) => {
    const run = () => mergeReports(texts.map((text, i) => ({ file: `r${i}`, text })));
    expect(run).toThrow(BadInputError);
    expect(run).toThrow(message);
  });
});

describe('run --shard on the command line', () => {
  it.each([['4/3'], ['0/3'], ['1/0'], ['a/b'], ['2']])('--shard %s: exit 2, the flag named, nothing run', async (shard) => {
    let err = '';
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'blebench', 'run', '--shard', shard])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err).toMatch(/^blebench: --shard: /);
    expect(err).toContain('what to do: give --shard K/N');
  });
});

describe('report merge on the command line', () => {
  it('a report that cannot be read: exit 2 naming it', async () => {
    const { mergeCommand } = await import('../../bin/commands/report.js');
    await expect(mergeCommand(['/nonexistent/shard-1.xml'], { out: '/tmp/never-written.xml' }, () => undefined)).rejects.toThrow(/\/nonexistent\/shard-1\.xml: cannot be read \(ENOENT\)/);
  });
});
