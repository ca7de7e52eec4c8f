// The key store: one contract for the memory and the JSON file store; the file is written atomically
// (temporary file, fsync, rename), with mode 0600, and a corrupt file is never overwritten.
import { describe, expect, it, vi, afterEach } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Bond } from '../../common/stack/smp/bond.js';
import { MemoryKeyStore, type KeyStore } from '../../common/stack/smp/key-store.js';
import { JsonFileKeyStore, KeyStoreCorruptError, KeyStoreWriteError } from '../../common/stack/smp/json-key-store.js';
import { bondFromOutcome } from '../../common/stack/smp/bond.js';
import { backToBack, CENTRAL_ADDRESS, PERIPHERAL_ADDRESS } from './helpers/back-to-back.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'blebench-keys-'));
/** Writes 20 ms apart, not the 1 s default: each awaited put here would wait out the gap (its length: key-store-coalescing.test.ts). */
const SHORT_GAP = { writeGapMs: 20 };

function bond(peer = PERIPHERAL_ADDRESS, local = CENTRAL_ADDRESS): Bond {
  return {
    local,
    peer,
    role: 'central',
    security: { method: 'Passkey Entry', authenticated: true, secureConnections: false, keySize: 16 },
    peerLtk: { key: randomBytes(16), ediv: 0x1234, rand: randomBytes(8), keySize: 16 },
    localLtk: { key: randomBytes(16), ediv: 0x4321, rand: randomBytes(8), keySize: 16 },
    peerIrk: randomBytes(16),
    localCsrk: randomBytes(16),
    createdAt: new Date(0).toISOString(),
  };
}

function contract(name: string, make: () => KeyStore) {
  describe(`${name}: the key store contract`, () => {
    it('round-trips a bond, keyed by local and peer identity', async () => {
      const store = make();
      const b = bond();
      await store.put(b);
      expect(await store.get(CENTRAL_ADDRESS, PERIPHERAL_ADDRESS)).toEqual(b);
      expect(await store.get(PERIPHERAL_ADDRESS, CENTRAL_ADDRESS)).toBeUndefined();
      expect(await store.get(CENTRAL_ADDRESS, { ...PERIPHERAL_ADDRESS, type: 'random' })).toBeUndefined();
    });
    it('replaces, lists per local identity and deletes', async () => {
      const store = make();
      const other = { address: '11:22:33:44:55:66', type: 'random' as const };
      await store.put(bond());
      const newer = bond();
      await store.put(newer);
      await store.put(bond(other));
      await store.put(bond(PERIPHERAL_ADDRESS, other));
      expect(await store.list(CENTRAL_ADDRESS)).toHaveLength(2);
      expect(await store.list()).toHaveLength(3);
      expect((await store.get(CENTRAL_ADDRESS, PERIPHERAL_ADDRESS))!.peerLtk).toEqual(newer.peerLtk);
      expect(await store.delete(CENTRAL_ADDRESS, other)).toBe(true);
      expect(await store.delete(CENTRAL_ADDRESS, other)).toBe(false);
      expect(await store.list()).toHaveLength(2);
    });
    it('keeps the bond a real pairing leaves', async () => {
      const pair = backToBack({ central: { config: { secureConnections: 'no' } } });
      pair.central.input({ type: 'pair' });
      const { central } = await pair.outcomes();
      const b = bondFromOutcome(central, CENTRAL_ADDRESS)!;
      const store = make();
      await store.put(b);
      expect(await store.get(CENTRAL_ADDRESS, PERIPHERAL_ADDRESS)).toEqual(b);
    });
  });
}

contract('MemoryKeyStore', () => new MemoryKeyStore());
contract('JsonFileKeyStore', () => new JsonFileKeyStore(path.join(tmp(), 'keys.json'), SHORT_GAP));

describe('JsonFileKeyStore on disk', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes mode 0600 JSON, version 1, keys as hex, no temporary file left', async () => {
    const dir = tmp();
    const file = path.join(dir, 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    const b = bond();
    await store.put(b);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.version).toBe(1);
    expect(doc.bonds[0].peerLtk.key).toBe(b.peerLtk!.key.toString('hex'));
    expect(readdirSync(path.dirname(file))).toEqual(['keys.json']);
    // A second store instance (another run) reads the same bonds.
    expect(await new JsonFileKeyStore(file).get(CENTRAL_ADDRESS, PERIPHERAL_ADDRESS)).toEqual(b);
  });

  it('is atomic: the new content is complete and synced in a temporary file before it replaces the old one', async () => {
    const file = path.join(tmp(), 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    await store.put(bond());
    const before = readFileSync(file, 'utf8');
    const seen: { target: string; tmp: string; mode: number }[] = [];
    const rename = fsp.rename.bind(fsp);
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      seen.push({ target: readFileSync(to as string, 'utf8'), tmp: readFileSync(from as string, 'utf8'), mode: statSync(from as string).mode & 0o777 });
      return rename(from, to);
    });
    await store.put(bond({ address: '11:22:33:44:55:66', type: 'random' }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.target).toBe(before); // the old file was whole until the rename
    expect(JSON.parse(seen[0]!.tmp).bonds).toHaveLength(2);
    if (process.platform !== 'win32') expect(seen[0]!.mode).toBe(0o600);
  });

  it('a failed write leaves the old file and no temporary file, keeps the bond in memory and saves it elsewhere, named', async () => {
    const dir = tmp();
    const file = path.join(dir, 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    await store.put(bond());
    const before = readFileSync(file, 'utf8');
    vi.spyOn(fsp, 'rename').mockRejectedValueOnce(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    const lost = bond({ address: '11:22:33:44:55:66', type: 'random' });
    const err = (await store.put(lost).catch((e: unknown) => e)) as KeyStoreWriteError;
    expect(err).toBeInstanceOf(KeyStoreWriteError);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/ENOSPC disk full.*kept in memory/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['keys.json']);
    // Kept: this process still encrypts with it, and it is offered in a key store of its own (0600).
    expect(await store.get(CENTRAL_ADDRESS, lost.peer)).toEqual(lost);
    expect([...store.unsaved.values()]).toEqual([lost]);
    expect(err.fallback).toBeDefined();
    expect(err.message).toContain(err.fallback!);
    if (process.platform !== 'win32') expect(statSync(err.fallback!).mode & 0o777).toBe(0o600);
    expect(await new JsonFileKeyStore(err.fallback!).get(CENTRAL_ADDRESS, lost.peer)).toEqual(lost);
    // The next write that succeeds carries it into the file.
    await store.put(bond({ address: '11:22:33:44:55:77', type: 'random' }));
    expect(store.unsaved.size).toBe(0);
    expect(await new JsonFileKeyStore(file).get(CENTRAL_ADDRESS, lost.peer)).toEqual(lost);
  });

  it('its folder removed under a running store: the write fails aloud, the bond kept and its keys offered', async () => {
    const dir = tmp();
    const file = path.join(dir, 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    rmSync(dir, { recursive: true });
    const b = bond();
    const err = (await store.put(b).catch((e: unknown) => e)) as KeyStoreWriteError;
    expect(err).toBeInstanceOf(KeyStoreWriteError);
    expect(err.code).toBe('KEY_STORE_WRITE_FAILED');
    expect(err.message).toMatch(/ENOENT/);
    expect(await store.get(CENTRAL_ADDRESS, PERIPHERAL_ADDRESS)).toEqual(b);
    expect(err.fallback && existsSync(err.fallback)).toBe(true);
  });

  it.each([
    ['not JSON', '{"version": 1, "bonds": [', /is not JSON/],
    ['another format', '{"keys": []}', /not a version 1 key store/],
    ['a broken bond', JSON.stringify({ version: 1, bonds: [{ local: { address: 'C0:11:22:33:44:55', type: 'random' }, peer: { address: 'zz', type: 'public' } }] }), /bonds\[0\]\.peer\.address/],
    ['empty', '', /empty \(0 bytes\)/],
  ])('a corrupt file (%s) is a named error when the store is opened, and nothing overwrites it', async (_name, text, message) => {
    const file = path.join(tmp(), 'keys.json');
    writeFileSync(file, text);
    let err: unknown;
    try {
      new JsonFileKeyStore(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeyStoreCorruptError);
    expect((err as KeyStoreCorruptError).code).toBe('KEY_STORE_CORRUPT');
    expect((err as KeyStoreCorruptError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(file);
    expect((err as KeyStoreCorruptError).hint).toMatch(/move it aside/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a file made corrupt while the store runs is not overwritten: the write fails aloud', async () => {
    const file = path.join(tmp(), 'keys.json');
    const store = new JsonFileKeyStore(file, SHORT_GAP);
    await store.put(bond());
    writeFileSync(file, 'garbage');
    const err = await store.put(bond({ address: '11:22:33:44:55:66', type: 'random' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyStoreWriteError);
    expect((err as Error).message).toMatch(/is not JSON/);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
  });
});
