// The tree reads as the architecture (README "The map"): common/ holds base/, stack/ and apps/ and
// nothing else, each folder in the group test/helpers/layers.ts gives it; peripheral/ is grouped
// the way central/ is, its top keeping only the role's entry points.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GROUPS, root, type Group } from './helpers/layers.js';

const entries = (dir: string, wantDirs: boolean) =>
  readdirSync(path.join(root, dir))
    .filter((n) => statSync(path.join(root, dir, n)).isDirectory() === wantDirs)
    .sort();

describe('layout', () => {
  it('common/ holds the three groups and nothing else', () => {
    expect(entries('common', true)).toEqual(Object.keys(GROUPS).sort());
    expect(entries('common', false)).toEqual([]);
  });

  it.each(Object.keys(GROUPS) as Group[])('common/%s/ holds exactly its folders', (group) => {
    expect(entries(`common/${group}`, true)).toEqual([...GROUPS[group]].sort());
    expect(entries(`common/${group}`, false)).toEqual([]);
  });

  it('peripheral/ has the folders central/ has for the same jobs, and no more loose files at its top', () => {
    const jobs = ['att', 'console', 'gatt', 'os', 'pairing'];
    expect(jobs.filter((d) => entries('central', true).includes(d))).toEqual(jobs);
    expect(jobs.filter((d) => !entries('peripheral', true).includes(d))).toEqual([]);
    const top = (role: string) => entries(role, false).filter((n) => n.endsWith('.ts'));
    expect(top('peripheral').length).toBeLessThanOrEqual(top('central').length);
  });
});
