// `blebench fuzz` as a user runs it: the seed first, the count line last, exit 0 with no crash or
// hang; bad flags are exit 2 naming the flag.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startChild } from '../helpers/child.js';

const BIN = fileURLToPath(new URL('../../bin/blebench.js', import.meta.url));

describe('blebench fuzz (command line)', () => {
  it('prints the seed first and "N cases, 0 crashes, 0 hangs" last, exit 0', async () => {
    const child = startChild(process.execPath, [BIN, 'fuzz', '--role', 'peripheral', '--seed', '77', '--cases', '400']);
    const code = await new Promise<number | null>((resolve) => child.proc.once('exit', resolve));
    const lines = child.stdout().trim().split('\n');
    expect(lines[0]).toMatch(/^blebench fuzz: seed 77 \(repeat with --seed 77\), 400 cases over peripheral/);
    expect(lines.at(-1)).toBe('400 cases, 0 crashes, 0 hangs');
    expect(child.stderr()).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('a seed that is not a number is bad input (exit 2), no stack trace', async () => {
    const child = startChild(process.execPath, [BIN, 'fuzz', '--seed', 'abc']);
    const code = await new Promise<number | null>((resolve) => child.proc.once('exit', resolve));
    expect(code).toBe(2);
    expect(child.stderr()).toMatch(/--seed "abc": expected a whole number from 0 to 4294967295/);
    expect(child.stderr()).not.toMatch(/\n\s+at /);
  }, 30_000);
});
