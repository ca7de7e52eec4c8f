// docs/ci.md's workflows are what a team copies: each must be valid YAML of its CI system's shape,
// and every blebench command in them must exist with the flags (and flag values) given, as commander
// knows the command line.
import { readFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../bin/main.js';

const doc = readFileSync('docs/ci.md', 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** A shell line's words, quotes removed (enough for the commands of a workflow). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** What is wrong with one `blebench …` command line, as commander sees it; [] when nothing. */
function check(program: Command, line: string): string[] {
  const w = words(line);
  let i = w.findIndex((x) => x === 'blebench' || x.endsWith('/blebench.js')) + 1;
  let cmd = program;
  while (i < w.length && !w[i]!.startsWith('-')) {
    const sub = cmd.commands.find((c) => c.name() === w[i]);
    if (!sub) break;
    cmd = sub;
    i++;
  }
  if (cmd === program) return [`no such command: ${w[i]}`];
  const problems: string[] = [];
  for (; i < w.length; i++) {
    if (!w[i]!.startsWith('--')) continue;
    const [flag, inline] = w[i]!.split('=', 2) as [string, string | undefined];
    const opt = cmd.options.find((o: Option) => o.long === flag);
    if (!opt) {
      problems.push(`${cmd.name()}: no flag ${flag}`);
      continue;
    }
    if (!opt.required && !opt.optional) continue;
    const value = inline ?? w[++i];
    if (value === undefined) problems.push(`${cmd.name()} ${flag}: no value`);
    else if (opt.argChoices && !opt.argChoices.includes(value)) problems.push(`${cmd.name()} ${flag} ${value}: not one of ${opt.argChoices.join(', ')}`);
  }
  return problems;
}

/** Every shell line of a workflow: GitHub's `run:` and GitLab's `script:` entries. */
function shellLines(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(shellLines);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => {
    if (k === 'run' && typeof v === 'string') return v.split('\n');
    if ((k === 'script' || k === 'before_script') && Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
    return shellLines(v);
  });
}

describe('docs/ci.md', () => {
  it('has a GitHub Actions and a GitLab CI workflow', () => {
    expect(blocks).toHaveLength(2);
  });

  const parsed = blocks.map((b) => {
    const d = parseDocument(b);
    return { errors: d.errors.map((e) => e.message), value: d.toJS() as Record<string, unknown> };
  });

  it('both are valid YAML', () => {
    for (const p of parsed) expect(p.errors).toEqual([]);
  });

  it('GitHub: a matrix over shards, JUnit and btsnoop captures uploaded, a merge job after', () => {
    const gh = parsed[0]!.value as { jobs: Record<string, { strategy?: { matrix?: { shard?: number[] } }; steps: Array<{ uses?: string; with?: { path?: string } }>; needs?: string }> };
    expect(gh.jobs.scenarios!.strategy!.matrix!.shard).toEqual([1, 2, 3]);
    const upload = gh.jobs.scenarios!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.path).toMatch(/reports\/[\s\S]*captures\//);
    expect(gh.jobs.report!.needs).toBe('scenarios');
  });

  it('GitLab: parallel jobs, the JUnit report and captures as artifacts, a merge job after', () => {
    const gl = parsed[1]!.value as Record<string, { parallel?: number; artifacts?: { paths?: string[]; reports?: { junit?: string } }; needs?: string[] }>;
    expect(gl.scenarios!.parallel).toBe(3);
    expect(gl.scenarios!.artifacts!.paths).toEqual(['reports/', 'captures/']);
    expect(gl.scenarios!.artifacts!.reports!.junit).toBe('reports/shard-*.xml');
    expect(gl['merge-reports']!.needs).toEqual(['scenarios']);
  });

  it.each([0, 1])('workflow %i: every blebench command exists with those flags, and it runs shards and merges them', async (n) => {
    const program = await buildProgram();
    const lines = shellLines(parsed[n]!.value).filter((l) => /\bblebench\b/.test(l));
    expect(lines.some((l) => /blebench run .*--shard /.test(l))).toBe(true);
    expect(lines.some((l) => /blebench report merge .*--out /.test(l))).toBe(true);
    for (const l of lines) expect(check(program, l), l).toEqual([]);
  });

  it('the checker itself refuses an unknown flag, a bad choice and an unknown command', async () => {
    const program = await buildProgram();
    expect(check(program, 'npx blebench run --shards 1/3')).toEqual(['run: no flag --shards']);
    expect(check(program, 'npx blebench run --reporter xml')).toEqual(['run --reporter xml: not one of table, json, junit, mermaid, html']);
    expect(check(program, 'npx blebench report merge a.xml')).toEqual([]);
    expect(check(program, 'npx blebench merge a.xml')).toEqual(['no such command: merge']);
  });
});
