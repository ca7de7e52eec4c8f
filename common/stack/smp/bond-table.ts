// The bonds a key store holds in memory, compact: each bond is one fixed-size record of octets in a
// shared slab (addresses, role, security, the keys, the creation time), found by a short key made of the
// two identity addresses. A long-running peripheral keeps every bond it ever made (issue 15's soak:
// 10,000 bonds); as objects, hex-free but with a Buffer per key, one bond cost ~1.9 KB of live memory,
// as a record it costs 240-270 bytes (bin/bench-bond-memory.ts measures it: key_store_bytes_per_bond).
// The table reads and writes like a Map<string, Bond> keyed by bondKey (bond.ts), in insertion order;
// get() and values() give new Bond objects with Buffers of their own (never pooled: a pooled 16-octet
// slice keeps its 8 KiB pool alive). A bond the record cannot hold exactly (an address that is not six
// hex octets, a creation time that is not the ISO form of its instant) is kept as an object, so nothing
// in it is ever changed.
import { bondKey, type Bond } from './bond.js';
import type { DeviceAddress, LongTermKey } from './engine-types.js';
import type { KeySecurity } from './key-security.js';
import { formatAddress } from '../../base/output/format.js';

/** Records per slab chunk (a chunk is one allocation of CHUNK_RECORDS * RECORD octets). */
const CHUNK_RECORDS = 256;

// Record layout (octets). Addresses as written ('AA:..:FF' → AA first), multi-octet numbers little-endian.
const AT = {
  localAddress: 0, // 6, then its type at 6
  peerAddress: 7, // 6, then its type at 13
  role: 14,
  securityFlags: 15, // method index bits 0-1, authenticated bit 2, secureConnections bit 3, debugKey bit 4
  securityKeySize: 16,
  present: 17, // which optional keys the bond holds (PRESENT)
  peerLtk: 18, // 27: EDIV (2), key size (1), Rand (8), key (16)
  localLtk: 45, // 27, the same
  peerIrk: 72,
  peerCsrk: 88,
  localIrk: 104,
  localCsrk: 120,
  createdAt: 136, // float64: milliseconds since 1970 (createdAt is that instant's toISOString())
  gattServer: 144, // 18: Database Hash (16), Client Supported Features (1), Service Changed CCCD (1)
} as const;
/** One record: the last field's end. */
const RECORD = AT.gattServer + 18;
const KEY = 16;

const PRESENT = { peerLtk: 1, localLtk: 2, peerIrk: 4, peerCsrk: 8, localIrk: 16, localCsrk: 32, gattServer: 64 } as const;
const SINGLE_KEYS = ['peerIrk', 'peerCsrk', 'localIrk', 'localCsrk'] as const;
const LTKS = ['peerLtk', 'localLtk'] as const;
const METHODS: readonly KeySecurity['method'][] = ['Just Works', 'Passkey Entry', 'Numeric Comparison', 'OOB'];
const ADDRESS = /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/;
const KEY_OF = /^(.{17})\/(public|random)>(.{17})\/(public|random)$/;

/** The table's own key for a bondKey: 14 octets (both addresses and types) as a latin1 string, or the bondKey itself when an address is not six octets. */
function shortKey(key: string): string {
  const m = KEY_OF.exec(key);
  if (!m || !ADDRESS.test(m[1]!) || !ADDRESS.test(m[3]!)) return key;
  const octets = Buffer.alloc(14);
  writeAddress(octets, 0, { address: m[1]!, type: m[2] as DeviceAddress['type'] });
  writeAddress(octets, 7, { address: m[3]!, type: m[4] as DeviceAddress['type'] });
  return octets.toString('latin1'); // 14 characters: never equal to a bondKey (longer)
}

function writeAddress(to: Buffer, at: number, a: DeviceAddress): void {
  for (let i = 0; i < 6; i++) to[at + i] = parseInt(a.address.slice(i * 3, i * 3 + 2), 16);
  to[at + 6] = a.type === 'random' ? 1 : 0;
}

function readAddress(from: Buffer, at: number): DeviceAddress {
  return { address: formatAddress(from.subarray(at, at + 6).toString('hex')), type: from[at + 6] ? 'random' : 'public' };
}

/** Whether the record holds this bond exactly (else it is kept as an object). */
function fitsRecord(b: Bond): boolean {
  const keyOk = (k: Buffer | undefined) => k === undefined || k.length === KEY;
  const ltkOk = (l: LongTermKey | undefined) =>
    l === undefined || (l.key.length === KEY && l.rand.length === 8 && Number.isInteger(l.ediv) && l.ediv >= 0 && l.ediv <= 0xffff && Number.isInteger(l.keySize) && l.keySize >= 0 && l.keySize <= 0xff);
  const s = b.security;
  const ms = Date.parse(b.createdAt);
  return (
    ADDRESS.test(b.local.address.toUpperCase()) && ADDRESS.test(b.peer.address.toUpperCase()) &&
    (b.local.type === 'public' || b.local.type === 'random') && (b.peer.type === 'public' || b.peer.type === 'random') &&
    (b.role === 'central' || b.role === 'peripheral') &&
    METHODS.includes(s.method) && Number.isInteger(s.keySize) && s.keySize >= 0 && s.keySize <= 0xff &&
    (s.debugKey === undefined || s.debugKey === true) &&
    LTKS.every((k) => ltkOk(b[k])) && SINGLE_KEYS.every((k) => keyOk(b[k])) &&
    Number.isFinite(ms) && new Date(ms).toISOString() === b.createdAt &&
    (b.gattServer === undefined || (b.gattServer.databaseHash.length === KEY && Number.isInteger(b.gattServer.clientFeatures) && b.gattServer.clientFeatures >= 0 && b.gattServer.clientFeatures <= 0xff &&
      Number.isInteger(b.gattServer.serviceChangedCccd) && b.gattServer.serviceChangedCccd >= 0 && b.gattServer.serviceChangedCccd <= 0xff)) &&
    Object.keys(b).every((k) => KNOWN_FIELDS.has(k)) && Object.keys(s).every((k) => KNOWN_SECURITY.has(k))
  );
}
// gattCache (a client's attribute cache, any size) is not among them: a bond holding one is kept as an object.
const KNOWN_FIELDS = new Set(['local', 'peer', 'role', 'security', 'peerLtk', 'localLtk', 'peerIrk', 'peerCsrk', 'localIrk', 'localCsrk', 'createdAt', 'gattServer']);
const KNOWN_SECURITY = new Set(['method', 'authenticated', 'secureConnections', 'keySize', 'debugKey']);

function writeRecord(to: Buffer, b: Bond): void {
  to.fill(0);
  writeAddress(to, AT.localAddress, { address: b.local.address.toUpperCase(), type: b.local.type });
  writeAddress(to, AT.peerAddress, { address: b.peer.address.toUpperCase(), type: b.peer.type });
  to[AT.role] = b.role === 'peripheral' ? 1 : 0;
  const s = b.security;
  to[AT.securityFlags] = METHODS.indexOf(s.method) | (s.authenticated ? 4 : 0) | (s.secureConnections ? 8 : 0) | (s.debugKey ? 16 : 0);
  to[AT.securityKeySize] = s.keySize;
  let present = 0;
  for (const k of LTKS) {
    const l = b[k];
    if (!l) continue;
    present |= PRESENT[k];
    to.writeUInt16LE(l.ediv, AT[k]);
    to[AT[k] + 2] = l.keySize;
    l.rand.copy(to, AT[k] + 3);
    l.key.copy(to, AT[k] + 11);
  }
  for (const k of SINGLE_KEYS) {
    const key = b[k];
    if (!key) continue;
    present |= PRESENT[k];
    key.copy(to, AT[k]);
  }
  if (b.gattServer) {
    present |= PRESENT.gattServer;
    b.gattServer.databaseHash.copy(to, AT.gattServer);
    to[AT.gattServer + KEY] = b.gattServer.clientFeatures;
    to[AT.gattServer + KEY + 1] = b.gattServer.serviceChangedCccd;
  }
  to[AT.present] = present;
  to.writeDoubleLE(Date.parse(b.createdAt), AT.createdAt);
}

/** Octets copied into a Buffer of their own (Buffer.alloc is never pooled). */
const own = (from: Buffer, at: number, length: number) => {
  const b = Buffer.alloc(length);
  from.copy(b, 0, at, at + length);
  return b;
};

function readRecord(r: Buffer): Bond {
  const flags = r[AT.securityFlags]!;
  const security: KeySecurity = {
    method: METHODS[flags & 3]!,
    authenticated: (flags & 4) !== 0,
    secureConnections: (flags & 8) !== 0,
    keySize: r[AT.securityKeySize]!,
    ...(flags & 16 ? { debugKey: true } : {}),
  };
  // The same field order as bondFromJson and bondFromOutcome make.
  const bond: Bond = { local: readAddress(r, AT.localAddress), peer: readAddress(r, AT.peerAddress), role: r[AT.role] ? 'peripheral' : 'central', security, createdAt: '' };
  const present = r[AT.present]!;
  for (const k of LTKS) {
    if (!(present & PRESENT[k])) continue;
    bond[k] = { key: own(r, AT[k] + 11, KEY), ediv: r.readUInt16LE(AT[k]), rand: own(r, AT[k] + 3, 8), keySize: r[AT[k] + 2]! };
  }
  for (const k of SINGLE_KEYS) if (present & PRESENT[k]) bond[k] = own(r, AT[k], KEY);
  bond.createdAt = new Date(r.readDoubleLE(AT.createdAt)).toISOString();
  if (present & PRESENT.gattServer) bond.gattServer = { databaseHash: own(r, AT.gattServer, KEY), clientFeatures: r[AT.gattServer + KEY]!, serviceChangedCccd: r[AT.gattServer + KEY + 1]! };
  return bond;
}

/** A bond kept as an object (it does not fit a record): a copy with Buffers of its own. */
function ownCopy(bond: Bond): Bond {
  const copy: Bond = { ...bond, local: { ...bond.local }, peer: { ...bond.peer }, security: { ...bond.security } };
  for (const k of SINGLE_KEYS) {
    const key = bond[k];
    if (key) copy[k] = own(key, 0, key.length);
  }
  for (const k of LTKS) {
    const l = bond[k];
    if (l) copy[k] = { ...l, key: own(l.key, 0, l.key.length), rand: own(l.rand, 0, l.rand.length) };
  }
  if (bond.gattServer) copy.gattServer = { ...bond.gattServer, databaseHash: own(bond.gattServer.databaseHash, 0, bond.gattServer.databaseHash.length) };
  const cache = bond.gattCache;
  if (cache) copy.gattCache = { ...(cache.databaseHash ? { databaseHash: own(cache.databaseHash, 0, cache.databaseHash.length) } : {}), services: structuredClone(cache.services) };
  return copy;
}

/** Bonds by bondKey, compact (see the top of this file). Reads and writes like a Map<string, Bond>. */
export class BondTable {
  /** Short key → slot of its record, or the bond itself when it does not fit one. Insertion order is the file's order. */
  private readonly index = new Map<string, number | Bond>();
  private readonly chunks: Buffer[] = [];
  private readonly free: number[] = [];
  private slots = 0;

  constructor(bonds?: Iterable<readonly [string, Bond]>) {
    if (bonds) for (const [k, b] of bonds) this.set(k, b);
  }

  get size(): number {
    return this.index.size;
  }

  has(key: string): boolean {
    return this.index.has(shortKey(key));
  }

  get(key: string): Bond | undefined {
    const v = this.index.get(shortKey(key));
    return v === undefined ? undefined : this.bondAt(v);
  }

  /** Adds or replaces the bond under `key` (bondKey(bond.local, bond.peer)); keeps its place when replaced, as a Map does. */
  set(key: string, bond: Bond): this {
    const k = shortKey(key);
    const old = this.index.get(k);
    if (!fitsRecord(bond)) {
      if (typeof old === 'number') this.free.push(old);
      this.index.set(k, ownCopy(bond));
      return this;
    }
    const slot = typeof old === 'number' ? old : this.takeSlot();
    writeRecord(this.record(slot), bond);
    this.index.set(k, slot);
    return this;
  }

  delete(key: string): boolean {
    const k = shortKey(key);
    const old = this.index.get(k);
    if (old === undefined) return false;
    if (typeof old === 'number') {
      this.record(old).fill(0); // no key left behind in memory
      this.free.push(old);
    }
    return this.index.delete(k);
  }

  *values(): IterableIterator<Bond> {
    for (const v of this.index.values()) yield this.bondAt(v);
  }

  *entries(): IterableIterator<[string, Bond]> {
    for (const v of this.index.values()) {
      const b = this.bondAt(v);
      yield [bondKey(b.local, b.peer), b];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  forEach(each: (bond: Bond, key: string, table: this) => void): void {
    for (const [k, b] of this.entries()) each(b, k, this);
  }

  [Symbol.iterator](): IterableIterator<[string, Bond]> {
    return this.entries();
  }

  private bondAt(v: number | Bond): Bond {
    return typeof v === 'number' ? readRecord(this.record(v)) : ownCopy(v);
  }

  private record(slot: number): Buffer {
    const chunk = this.chunks[Math.floor(slot / CHUNK_RECORDS)]!;
    const at = (slot % CHUNK_RECORDS) * RECORD;
    return chunk.subarray(at, at + RECORD);
  }

  private takeSlot(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.slots === this.chunks.length * CHUNK_RECORDS) this.chunks.push(Buffer.alloc(CHUNK_RECORDS * RECORD));
    return this.slots++;
  }
}
