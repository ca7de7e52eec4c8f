// `blebench run --shard K/N` as three CI machines would run it, then `blebench report merge`: every
// scenario of fixtures/scenarios runs in exactly one shard, each report says which shard it is, and
// the merged JUnit has them all, once (the JSON merge: test/ci/shard.test.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverScenarios } from '../../common/apps/scenario/discover.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function blebench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ['bin/blebench.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BLEBENCH_DEBUG: '' } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`blebench ${args.join(' ')} did not end within 60 s: ${stderr}`));
    }, 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const all = discoverScenarios(['fixtures/scenarios']);
const testcases = (xml: string) => [...xml.matchAll(/<testcase\b[^>]*\bfile="([^"]+)"/g)].map((m) => m[1]!);

describe('three shards of fixtures/scenarios, then one merged report', () => {
  it('each scenario runs in exactly one shard; the merged JUnit has every one, once', async () => {
    // The three machines at once, as a CI matrix runs them.
    const shards = await Promise.all(
      [1, 2, 3].map(async (k) => ({ k, r: await blebench(['run', 'fixtures/scenarios', '--shard', `${k}/3`, '--seed', '7', '--reporter', 'junit', '--out', path.join(dir, `shard-${k}.xml`)]) })),
    );
    const seen: string[] = [];
    for (const { k, r } of shards) {
      expect(r.code, r.stderr).toBe(0);
      const xml = readFileSync(path.join(dir, `shard-${k}.xml`), 'utf8');
      expect(xml).toContain(`<property name="shard" value="${k}/3"/>`);
      expect(xml).toContain(`name="blebench scenarios (shard ${k}/3)"`);
      const files = testcases(xml);
      expect(files.length, `shard ${k} is not empty`).toBeGreaterThan(0);
      seen.push(...files);
    }
    expect([...seen].sort()).toEqual([...all].sort());

    const merged = await blebench(['report', 'merge', ...[1, 2, 3].map((k) => path.join(dir, `shard-${k}.xml`)), '--out', path.join(dir, 'merged.xml')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`${all.length} scenarios from 3 reports: ${all.length} passed, 0 failed`);
    const xml = readFileSync(path.join(dir, 'merged.xml'), 'utf8');
    expect(testcases(xml).sort()).toEqual([...all].sort());
    expect(xml).toMatch(new RegExp(`<testsuites name="blebench scenarios" tests="${all.length}" failures="0" errors="0"`));

    // Two shards only: merged, and the missing one named (exit 1).
    const partial = await blebench(['report', 'merge', path.join(dir, 'shard-1.xml'), path.join(dir, 'shard-3.xml'), '--out', path.join(dir, 'partial.xml')]);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('missing: shard 2/3');
  }, 90_000);
});
