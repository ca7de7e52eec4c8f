// The JSON key store under many bonds: writes are coalesced (at most one in flight, bonds made meanwhile
// batched into the next), each still atomic and 0600; the in-memory map is the source of truth, another
// process's bonds in the file are kept; a flush bounded in time saves what it could not write elsewhere.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, promises as fsp, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bond } from '../../common/stack/smp/bond.js';
import { flushOpenKeyStores, JsonFileKeyStore, KeyStoreWriteError, WRITE_GAP_MS } from '../../common/stack/smp/json-key-store.js';

const LOCAL = { address: 'B1:EB:00:00:0B:0D', type: 'public' as const };
const tmp = () => mkdtempSync(path.join(tmpdir(), 'blebench-keys-many-'));
/** Writes 20 ms apart, not the 1 s default (whose length is checked below, on fake timers). */
const SHORT_GAP = { writeGapMs: 20 };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function bond(i: number): Bond {
  const peer = `C0:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
  return {
    local: LOCAL,
    peer: { address: peer, type: 'public' },
    role: 'peripheral',
    security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
    localLtk: { key: Buffer.alloc(16, i & 0xff), ediv: 0, rand: Buffer.alloc(8), keySize: 16 },
    createdAt: new Date(0).toISOString(),
  };
}

const peersIn = (file: string) => new Set((JSON.parse(readFileSync(file, 'utf8')) as { bonds: Array<{ peer: { address: string } }> }).bonds.map((b) => b.peer.address));

/** Counts the atomic replacements of `file` (each write ends in one rename onto it). */
function countWrites(file: string): { renames: number } {
  const seen = { renames: 0 };
  const rename = fsp.rename.bind(fsp);
  vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
    if (to === file) seen.renames++;
    return rename(from, to);
  });
  return seen;
}

describe('the JSON key store under many bonds', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('by default the next write starts WRITE_GAP_MS (1 s) after one ends, not sooner, and takes the bonds made meanwhile', async () => {
    expect(WRITE_GAP_MS).toBe(1000);
    // Only the gap's timer is fake; the file's I/O and the turns (setImmediate) are real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = path.join(tmp(), 'keys.json');
    const store = new JsonFileKeyStore(file);
    await store.put(bond(1));
    expect(store.writes).toBe(1);
    const later = [store.put(bond(2)), store.put(bond(3))];
    await nextTurn();
    vi.advanceTimersByTime(WRITE_GAP_MS - 1);
    await nextTurn();
    expect(store.writes).toBe(1); // still cooling: nothing written yet
    expect(peersIn(file)).toEqual(new Set([bond(1).peer.address]));
    vi.advanceTimersByTime(1);
    await Promise.all(later);
    expect(store.writes).toBe(2); // one write for both
    expect(peersIn(file).size).toBe(3);
  });

  it('1,000 concurrent puts make at most 2 writes, and the file (0600, no temporary left) holds all 1,000', async () => {
    const dir = tmp();
    const file = path.join(dir, 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    const seen = countWrites(file);
    // 500 in one turn, then 500 more while that write is in flight
    const first = Array.from({ length: 500 }, (_, i) => store.put(bond(i)));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const second = Array.from({ length: 500 }, (_, i) => store.put(bond(500 + i)));
    await Promise.all([...first, ...second]);
    expect(seen.renames).toBeGreaterThanOrEqual(1);
    expect(seen.renames).toBeLessThanOrEqual(2);
    expect(store.writes).toBe(seen.renames);
    const peers = peersIn(file);
    expect(peers.size).toBe(1000);
    expect(peers.has(bond(0).peer.address)).toBe(true);
    expect(peers.has(bond(999).peer.address)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']);
    expect(await new JsonFileKeyStore(file).list()).toHaveLength(1000);
  });

  it('bonds made one after another while a write is in flight go together into the next one', async () => {
    const file = path.join(tmp(), 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    const seen = countWrites(file);
    const puts: Promise<void>[] = [];
    // each put in a turn of its own, all before the first write has ended
    for (let i = 0; i < 50; i++) {
      puts.push(store.put(bond(i)));
      await Promise.resolve();
    }
    await Promise.all(puts);
    expect(seen.renames).toBeLessThanOrEqual(2);
    expect(peersIn(file).size).toBe(50);
  });

  it("keeps another process's bonds written to the file meanwhile, and does not bring back one it deleted", async () => {
    const file = path.join(tmp(), 'keys.json');
    const mine = new JsonFileKeyStore(file, SHORT_GAP);
    await mine.put(bond(1));
    await mine.put(bond(2));
    const theirs = new JsonFileKeyStore(file, SHORT_GAP); // another process: opened now, writes after
    await theirs.put(bond(3));
    await mine.delete(LOCAL, bond(2).peer);
    await mine.put(bond(4));
    const peers = peersIn(file);
    expect([...peers].sort()).toEqual([bond(1), bond(3), bond(4)].map((b) => b.peer.address).sort());
    expect(await mine.get(LOCAL, bond(3).peer)).toBeDefined(); // adopted
  });

  it('a flush whose write does not end in time saves the bonds not written to a fallback key store and says where', async () => {
    const file = path.join(tmp(), 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    const rename = fsp.rename.bind(fsp);
    let release: () => void = () => undefined;
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (to === file) await new Promise<void>((resolve) => (release = resolve)); // a disk that hangs
      return rename(from, to);
    });
    const puts = [store.put(bond(7)), store.put(bond(8))];
    const err = await store.flush(100);
    expect(err).toBeInstanceOf(KeyStoreWriteError);
    expect(err!.message).toContain(file);
    expect(err!.message).toMatch(/did not end within 0\.1 s/);
    expect(err!.fallback).toBeDefined();
    expect(statSync(err!.fallback!).mode & 0o777).toBe(0o600);
    expect(peersIn(err!.fallback!)).toEqual(new Set([bond(7).peer.address, bond(8).peer.address]));
    expect(store.unsaved.size).toBe(2);
    // the same through the process-wide flush every command ends with
    const all = await flushOpenKeyStores(100);
    expect(all.map((e) => e.file)).toContain(file);
    release();
    await Promise.all(puts);
    expect(peersIn(file).size).toBe(2);
    expect(store.unsaved.size).toBe(0);
    expect((await flushOpenKeyStores(100)).map((e) => e.file)).not.toContain(file);
  });
});
