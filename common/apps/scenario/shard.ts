// `blebench run --shard K/N`: one CI machine's share of a suite. A scenario belongs to the shard its
// path's hash gives (FNV-1a of the path relative to the folder it was found in, mod N), not to its
// place in a sorted list: adding or removing a file moves no other file to another shard, and every
// machine computes the same split with no coordination.
import path from 'node:path';

export interface Shard {
  /** 1-based, as written on the command line. */
  readonly index: number;
  readonly count: number;
}

/** The most shards a run may be split into (a CI matrix wider than this is a typo). */
export const SHARD_COUNT_MAX = 1000;

/** "2/3" → { index: 2, count: 3 }; otherwise why it is not a shard, in words. */
export function parseShard(text: string): Shard | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return `expected K/N, e.g. 1/3 (shard K of N), got ${JSON.stringify(text)}`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > SHARD_COUNT_MAX) return `N must be from 1 to ${SHARD_COUNT_MAX}, got ${m[2]}`;
  if (index < 1 || index > count) return `K must be from 1 to N (${count}), got ${m[1]}`;
  return { index, count };
}

/** 32-bit FNV-1a over the UTF-8 bytes: small, stable across machines and Node versions. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * What a file is hashed by: its path below the folder named on the command line that holds it
 * (forward slashes), so a checkout in another directory, or `fixtures/scenarios` named as
 * `./fixtures/scenarios/`, splits the same way; a file named on its own is hashed by its name.
 */
export function shardKey(file: string, roots: readonly string[], cwd = process.cwd()): string {
  const full = path.resolve(cwd, file);
  for (const root of roots) {
    const rel = path.relative(path.resolve(cwd, root), full);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return path.basename(full);
}

export function shardOf(key: string, count: number): number {
  return (fnv1a(key) % count) + 1;
}

/** The files of this shard, in their given order. */
export function filesOfShard(files: readonly string[], roots: readonly string[], shard: Shard, cwd = process.cwd()): string[] {
  return files.filter((f) => shardOf(shardKey(f, roots, cwd), shard.count) === shard.index);
}
