// Suite discovery (files and folders, recursive, stable order) and the seeded shuffle that proves isolation.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import { discoverScenarios, parseSeed, randomSeed, SEED_MAX, shuffle } from '../../common/apps/scenario/index.js';

describe('discoverScenarios', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-discover-'));
  for (const f of ['b.yaml', 'a.json', 'notes.md', 'sub/z.yml', 'sub/deeper/c.yaml', 'sub/profile.schema.json', 'A.yaml']) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), '{}');
  }

  it('finds *.yaml, *.yml and *.json under a folder, recursively, sorted by path', () => {
    expect(discoverScenarios(['.'], dir)).toEqual(['A.yaml', 'a.json', 'b.yaml', 'sub/deeper/c.yaml', 'sub/z.yml']);
  });

  it('keeps files in the order given, and lists each file once', () => {
    expect(discoverScenarios(['b.yaml', 'sub', 'a.json', 'sub/z.yml'], dir)).toEqual(['b.yaml', 'sub/deeper/c.yaml', 'sub/z.yml', 'a.json']);
  });

  it('gives the same order every time', () => {
    expect(discoverScenarios(['.'], dir)).toEqual(discoverScenarios(['.'], dir));
  });

  it('a path that does not exist is a bad input naming it', () => {
    expect(() => discoverScenarios(['nope'], dir)).toThrow(BadInputError);
    expect(() => discoverScenarios(['nope'], dir)).toThrow(/nope: no such scenario file or folder/);
  });
});

describe('seeded shuffle', () => {
  const items = Array.from({ length: 25 }, (_, i) => `scenario-${i}`);

  it('the same seed gives the same order', () => {
    expect(shuffle(items, 1234)).toEqual(shuffle(items, 1234));
  });

  it('a different seed gives a different order of 25 scenarios', () => {
    expect(shuffle(items, 1234)).not.toEqual(shuffle(items, 1235));
    expect(shuffle(items, 0)).not.toEqual(shuffle(items, SEED_MAX));
  });

  it('actually moves things: not the discovered order', () => {
    expect(shuffle(items, 1234)).not.toEqual(items);
  });

  it('is a permutation and leaves its input alone, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SEED_MAX }), fc.array(fc.integer(), { maxLength: 40 }), (seed, list) => {
        const copy = [...list];
        const out = shuffle(list, seed);
        expect(list).toEqual(copy);
        expect([...out].sort((a, b) => a - b)).toEqual([...list].sort((a, b) => a - b));
      }),
    );
  });

  it('random seeds are valid seeds, and --seed text parses back', () => {
    const s = randomSeed();
    expect(Number.isInteger(s) && s >= 0 && s <= SEED_MAX).toBe(true);
    expect(parseSeed(String(s))).toBe(s);
    expect(parseSeed('-1')).toBeUndefined();
    expect(parseSeed('12x')).toBeUndefined();
    expect(parseSeed(String(SEED_MAX + 1))).toBeUndefined();
  });
});
