// The key store's in-memory table of bonds (bond-table.ts): compact records that give back exactly the
// bonds put in, in the Map's order, with Buffers of their own; bonds a record cannot hold exactly are
// kept as they are; an existing key file loads and writes back the same bonds.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bondFromJson, bondKey, bondToJson, type Bond } from '../../common/stack/smp/bond.js';
import { BondTable } from '../../common/stack/smp/bond-table.js';
import { JsonFileKeyStore } from '../../common/stack/smp/json-key-store.js';
import type { KeySecurity } from '../../common/stack/smp/key-security.js';

const octets = (n: number, first: number) => Buffer.from(Array.from({ length: n }, (_, i) => (first + i * 37) & 0xff));
const LOCAL = { address: 'B1:EB:00:00:00:01', type: 'public' as const };

function bond(i: number, over: Partial<Bond> = {}): Bond {
  return {
    local: LOCAL,
    peer: { address: `C0:00:00:00:${(i >> 8).toString(16).padStart(2, '0').toUpperCase()}:${(i & 0xff).toString(16).padStart(2, '0').toUpperCase()}`, type: 'random' },
    role: 'peripheral',
    security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
    localLtk: { key: octets(16, i), ediv: 0, rand: Buffer.alloc(8), keySize: 16 },
    peerIrk: octets(16, i + 1),
    createdAt: new Date(Date.UTC(2026, 11, 4, 1, 2, 3, i % 1000)).toISOString(),
    ...over,
  };
}

const put = (t: BondTable, b: Bond) => t.set(bondKey(b.local, b.peer), b);

describe('BondTable', () => {
  it('gives back every shape of bond exactly: each key present or not, every method, both roles, the edges of EDIV and key size', () => {
    const t = new BondTable();
    const methods: KeySecurity['method'][] = ['Just Works', 'Passkey Entry', 'Numeric Comparison', 'OOB'];
    const bonds: Bond[] = [];
    for (let i = 0; i < 64; i++) {
      const b: Bond = {
        local: { address: 'FF:FF:FF:FF:FF:FF', type: i & 1 ? 'random' : 'public' },
        peer: { address: `00:00:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`, type: i & 2 ? 'random' : 'public' },
        role: i & 4 ? 'central' : 'peripheral',
        security: { method: methods[i % 4]!, authenticated: (i & 8) !== 0, secureConnections: (i & 16) !== 0, keySize: i & 32 ? 7 : 16, ...(i & 16 && i & 8 ? {} : i & 16 ? { debugKey: true } : {}) },
        createdAt: new Date(Date.UTC(1970 + i, 0, 1, 0, 0, 0, i)).toISOString(),
      };
      // each of the six optional keys present in half of the bonds, in a different pattern
      if (i & 1) b.peerLtk = { key: octets(16, i), ediv: 0xffff, rand: octets(8, 255 - i), keySize: 7 };
      if (i & 2) b.localLtk = { key: octets(16, i + 9), ediv: 0, rand: Buffer.alloc(8, 0xff), keySize: 16 };
      if (i & 4) b.peerIrk = octets(16, i + 1);
      if (i & 8) b.peerCsrk = octets(16, i + 2);
      if (i & 16) b.localIrk = octets(16, i + 3);
      if (i & 32) b.localCsrk = octets(16, i + 4);
      bonds.push(b);
      put(t, b);
    }
    expect(t.size).toBe(64);
    expect([...t.values()]).toEqual(bonds);
    for (const b of bonds) {
      const got = t.get(bondKey(b.local, b.peer))!;
      expect(got).toEqual(b);
      expect(JSON.stringify(bondToJson(got))).toBe(JSON.stringify(bondToJson(b)));
      expect(Object.keys(got).sort()).toEqual(Object.keys(b).sort());
    }
  });

  it('finds a bond by any case of its addresses, as bondKey does, and keeps addresses in capitals', () => {
    const t = new BondTable();
    const b = bond(1, { peer: { address: 'c0:ab:cd:ef:01:02', type: 'random' } });
    put(t, b);
    const got = t.get(bondKey(LOCAL, { address: 'C0:AB:CD:EF:01:02', type: 'random' }))!;
    expect(got.peer).toEqual({ address: 'C0:AB:CD:EF:01:02', type: 'random' });
    expect(t.get(bondKey(LOCAL, { address: 'C0:AB:CD:EF:01:02', type: 'public' }))).toBeUndefined();
  });

  it('gives Buffers of its own, not pooled: changing a bond given or got changes nothing kept', () => {
    const t = new BondTable();
    const b = bond(2);
    put(t, b);
    const keep = Buffer.from(b.localLtk!.key);
    b.localLtk!.key.fill(0); // the caller's bond, changed after the put
    const got = t.get(bondKey(b.local, b.peer))!;
    expect(got.localLtk!.key).toEqual(keep);
    got.localLtk!.key.fill(1);
    got.peerIrk!.fill(1);
    expect(t.get(bondKey(b.local, b.peer))!.localLtk!.key).toEqual(keep);
    expect(t.get(bondKey(b.local, b.peer))!.peerIrk).toEqual(octets(16, 3));
    for (const k of [got.localLtk!.key, got.localLtk!.rand, got.peerIrk!]) expect(k.buffer.byteLength, 'a Buffer of its own, not a slice of a pool').toBe(k.length);
  });

  it('keeps the order of a Map: a replaced bond keeps its place, a deleted one leaves and comes back last; freed records are reused without touching others', () => {
    const t = new BondTable();
    const bonds = Array.from({ length: 600 }, (_, i) => bond(i)); // more than one chunk of records
    for (const b of bonds) put(t, b);
    const newer = bond(5, { localLtk: { key: octets(16, 200), ediv: 7, rand: octets(8, 9), keySize: 12 } });
    put(t, newer);
    expect(t.delete(bondKey(bonds[3]!.local, bonds[3]!.peer))).toBe(true);
    expect(t.delete(bondKey(bonds[3]!.local, bonds[3]!.peer))).toBe(false);
    expect(t.has(bondKey(bonds[3]!.local, bonds[3]!.peer))).toBe(false);
    const fresh = bond(9999);
    put(t, fresh); // takes the freed record
    put(t, bonds[3]!);
    const expected = [...bonds.slice(0, 3), ...bonds.slice(4)].map((b, i) => (i === 4 ? newer : b));
    expect([...t.values()]).toEqual([...expected, fresh, bonds[3]]);
    const keys = [...expected, fresh, bonds[3]!].map((b) => bondKey(b.local, b.peer));
    expect([...t].map(([k]) => k)).toEqual(keys);
    expect([...t.keys()]).toEqual(keys);
    const seen: string[] = [];
    t.forEach((b, k) => (expect(k).toBe(bondKey(b.local, b.peer)), seen.push(k)));
    expect(seen).toEqual(keys);
  });

  it('keeps as they are the bonds a record cannot hold exactly: a creation date not in ISO form, an address not of six octets, a field it does not know', () => {
    const t = new BondTable();
    const odd = [
      bond(1, { createdAt: '2026-12-04' }),
      bond(2, { peer: { address: 'C0:00:01', type: 'random' } }),
      { ...bond(3), note: 'from a later version' } as Bond,
      bond(4, { localLtk: { key: octets(16, 1), ediv: 0x10000, rand: octets(8, 1), keySize: 16 } }),
    ];
    for (const b of odd) put(t, b);
    for (const b of odd) expect(t.get(bondKey(b.local, b.peer))).toEqual(b);
    expect([...t.values()]).toEqual(odd);
    // replacing an odd bond by a regular one and back keeps its place
    put(t, bond(1));
    put(t, bond(4));
    expect([...t.values()].map((b) => b.peer.address)).toEqual(odd.map((b) => b.peer.address));
    expect(t.get(bondKey(LOCAL, bond(1).peer))!.createdAt).toBe(bond(1).createdAt);
  });
});

describe('JsonFileKeyStore over BondTable', () => {
  it('loads an existing key file (written before the compact table) and writes its bonds back unchanged with a new one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-bond-table-'));
    try {
      const file = path.join(dir, 'keys.json');
      const old = [bond(1), bond(2, { createdAt: '2025-01-01' }), bond(3, { security: { method: 'Passkey Entry', authenticated: true, secureConnections: false, keySize: 9, debugKey: true } })];
      // the file as the store wrote it before (JSON of bondToJson, two-space indent)
      writeFileSync(file, JSON.stringify({ version: 1, bonds: old.map(bondToJson) }, null, 2) + '\n', { mode: 0o600 });
      const store = new JsonFileKeyStore(file);
      expect(await store.list()).toEqual(old);
      await store.put(bond(4));
      await store.settled();
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { version: number; bonds: unknown[] };
      expect(doc.version).toBe(1);
      expect(doc.bonds).toEqual(JSON.parse(JSON.stringify([...old, bond(4)].map(bondToJson))));
      expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ version: 1, bonds: [...old, bond(4)].map(bondToJson) }, null, 2) + '\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BondTable and the GATT state kept with a bond (Core v5.4 Vol 3 Part G 2.5.2, 7.1, 7.2)', () => {
  it("a server's per-bond GATT state (last Database Hash, Client Supported Features, Service Changed CCCD) fits the record and comes back exactly, also through JSON", () => {
    const t = new BondTable();
    const gattServer = { databaseHash: octets(16, 9), clientFeatures: 0x01, serviceChangedCccd: 0x0002 };
    const b = bond(1, { gattServer });
    put(t, b);
    const got = t.get(bondKey(b.local, b.peer))!;
    expect(got.gattServer).toEqual(gattServer);
    expect(got.gattServer!.databaseHash).not.toBe(gattServer.databaseHash);
    expect(bondFromJson(JSON.parse(JSON.stringify(bondToJson(b))), 'bond')).toEqual(b);
  });

  it("a client's GATT cache comes back exactly (kept as an object), and a cache with a bad handle in the file is named", () => {
    const t = new BondTable();
    const gattCache = { databaseHash: octets(16, 3), services: [{ uuid: '180f', startHandle: 14, endHandle: 17, characteristics: [{ uuid: '2a19', declarationHandle: 15, valueHandle: 16, endHandle: 17, properties: 0x12, descriptors: [{ uuid: '2902', handle: 17 }] }] }] };
    const b = bond(2, { role: 'central', gattCache });
    put(t, b);
    expect(t.get(bondKey(b.local, b.peer))!.gattCache).toEqual(gattCache);
    const json = JSON.parse(JSON.stringify(bondToJson(b)));
    expect(bondFromJson(json, 'bond')).toEqual(b);
    json.gattCache.services[0].characteristics[0].valueHandle = 0;
    expect(() => bondFromJson(json, 'bond')).toThrow('bond.gattCache.services[0].characteristics[0].valueHandle: is not an integer from 1 to 65535');
  });
});
