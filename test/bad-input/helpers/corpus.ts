// Running a corpus case through the CLI and judging what it printed: exit 2, the file (and the path
// and line:column inside it where the input has them) or the flag named, no stack trace.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { internalErrorIn, stackTraceIn, type CliResult } from './cli.js';
import type { DocCase } from './mutate.js';

/** A transport that cannot open: a valid input that slipped through would end with exit 3, not hang. */
export const DEAD_TRANSPORT = 'h4:unix:/nonexistent/blebench-bad-input/air.sock';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-bad-input-'));
let n = 0;

/** Writes the case to a fresh file named after its number. */
export function writeCase(c: DocCase, stem: string): string {
  const sub = path.join(dir, String(++n));
  mkdirSync(sub);
  const file = path.join(sub, `${stem}.${c.format === 'json' ? 'json' : 'yaml'}`);
  writeFileSync(file, c.text);
  return file;
}

export function scratchDir(): string {
  const sub = path.join(dir, String(++n));
  mkdirSync(sub);
  return sub;
}

/** The JSON Pointer paths a message names ("FILE at /a/0/b (line 3, column 5)"). */
export function namedPaths(stderr: string): string[] {
  return [...stderr.matchAll(/ at (\/\S*) \(line \d+, column \d+\)/g)].map((m) => m[1]!);
}

const related = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** No stack trace, and no "internal error": whatever went wrong is an error of the family, named. */
export function expectNoStack(r: CliResult): void {
  expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
  expect(internalErrorIn(r.stdout + r.stderr), r.stderr).toBeUndefined();
}

/** Exit 2, the file named; the path (or one right above or below it) and line:column where the case has them. */
export function expectRefusedFile(r: CliResult, file: string, c: Pick<DocCase, 'path' | 'line'> & { located?: boolean }): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(path.basename(path.dirname(file)) + path.sep + path.basename(file));
  if (c.path !== undefined && c.path !== '') {
    const named = namedPaths(r.stderr);
    expect(named.some((p) => related(p, c.path!)), `${c.path} not among ${JSON.stringify(named)} in:\n${r.stderr}`).toBe(true);
  }
  if (c.located !== false) expect(r.stderr).toMatch(/\(line \d+, column \d+\)/);
  if (c.line !== undefined) expect(r.stderr).toContain(`(line ${c.line}, column `);
  expectNoStack(r);
}
