// A seeded shuffle for running a suite in a different order each time, to prove scenarios are isolated
// (no bond, CCCD state or cache leaks from one into the next). The same seed always gives the same order.

/** Seeds are unsigned 32-bit integers, printed so a failing order can be run again with --seed. */
export const SEED_MAX = 0xffff_ffff;

/** A fresh seed when the user gave none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * (SEED_MAX + 1)) >>> 0;
}

/** mulberry32: a small, fast 32-bit PRNG; good enough to order a test suite, not for cryptography. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A shuffled copy (Fisher–Yates); the input is left alone. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** "--seed 1234" as given on the command line → a seed, or undefined when it is not one. */
export function parseSeed(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n <= SEED_MAX ? n : undefined;
}
