// The main job (`npm start` = `blebench central` on the virtual radio, no target): the default
// profile served by blebench's peripheral, walked by its central, every cell compared.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// A pipe, as CI has: 100 columns unless $COLUMNS says otherwise, no colour.
const run = (...args: string[]) => spawnSync(process.execPath, ['bin/blebench.js', 'central', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '100' } });

describe('the main job', () => {
  it('npm start is `blebench central` with no target', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node bin/blebench.js central');
  });

  it('prints the matrix of the default profile with a one-line verdict and exits 0', () => {
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verdict: OK: all \d+ cell\(s\) match profile "blebench default"$/m);
    // the case behind the project: unencrypted 0x05, then the value after pairing
    // (in 100 columns, a pipe's width, the error's words are shortened; the code stays whole)
    expect(r.stdout).toMatch(/Encrypted Everything\s+read\s+ATT 0x05 Insuff\. Authn\s+"secret"/);
    expect(r.stdout.split('\n').filter((l) => [...l].length > 100)).toEqual([]);
    expect(r.stdout).toMatch(/method: LE legacy Just Works/);
  });

  it("the README's example is the output's first lines, as printed", () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /In a 100-column terminal \(the first rows\):\n\n```text\n([\s\S]*?)\n…\n```/.exec(readme)?.[1];
    expect(example, 'the example block after "In a 100-column terminal"').toBeDefined();
    const r = run();
    expect(r.stdout.split('\n').slice(0, example!.split('\n').length).join('\n')).toBe(example);
  });

  it('--json gives one object with the cells and no differences', () => {
    const r = run('--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { differences: unknown[]; phases?: unknown[] };
    expect(res.differences).toEqual([]);
  });

  it('a target is required on any transport but mock', () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--transport', 'h4:unix:/nonexistent'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--target is required');
  });
});
