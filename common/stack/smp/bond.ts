// A bond: the keys two devices kept from a pairing, keyed by the local and the peer identity address.
// Core v5.4 Vol 3 Part H 2.4.1 (bonding), 3.6 (distributed keys), Vol 3 Part C 9.4 (bonding procedure).
// In JSON every key is hex in the spec's order (most significant octet first); a capture shows the
// same octets reversed (toWire in byte-order.ts).
import type { DeviceAddress, DistributedKeys, EngineBond, LongTermKey, PairingOutcome } from './engine-types.js';
import type { KeySecurity } from './key-security.js';

export interface Bond {
  local: DeviceAddress;
  peer: DeviceAddress;
  /** The local role in the pairing that made the bond. */
  role: 'central' | 'peripheral';
  security: KeySecurity;
  /** Used when the local side is central (legacy: the LTK the peer distributed; SC: the LTK). */
  peerLtk?: LongTermKey;
  /** Used when the local side is peripheral (legacy: the LTK we distributed; SC: the LTK). */
  localLtk?: LongTermKey;
  peerIrk?: Buffer;
  peerCsrk?: Buffer;
  localIrk?: Buffer;
  localCsrk?: Buffer;
  /** ISO 8601. */
  createdAt: string;
  /** What a GATT server keeps for this bonded client (Core v5.4 Vol 3 Part G 2.5.2, 7.1, 7.2). */
  gattServer?: GattServerBondState;
  /** What a GATT client keeps of this bonded server: its attribute cache (Vol 3 Part G 2.5.2). */
  gattCache?: GattCache;
}

/**
 * A GATT server's memory of a bonded client: the Database Hash of the database the client was last
 * aware of (the server's "last database hash"; a different hash now means the database changed since:
 * change-unaware, Service Changed indicated, Vol 3 Part G 2.5.2.1, 7.1), its Client Supported Features
 * and its Service Changed CCCD, both persistent for bonded clients (7.1, 7.2).
 */
export interface GattServerBondState {
  /** 16 octets, as the Database Hash characteristic serves them. */
  databaseHash: Buffer;
  clientFeatures: number;
  serviceChangedCccd: number;
}

/** One characteristic in a GATT client's cache. */
export interface GattCacheCharacteristic {
  uuid: string;
  declarationHandle: number;
  valueHandle: number;
  endHandle: number;
  properties: number;
  descriptors: { uuid: string; handle: number }[];
}

/** A GATT client's attribute cache of a bonded server (Vol 3 Part G 2.5.2): the services found and the Database Hash read then, if any. */
export interface GattCache {
  /** 16 octets as read, when the server has a Database Hash. */
  databaseHash?: Buffer;
  services: { uuid: string; startHandle: number; endHandle: number; characteristics: GattCacheCharacteristic[] }[];
}

/** The bond a successful, bonded pairing leaves; undefined when the pairing did not bond or failed. */
export function bondFromOutcome(outcome: PairingOutcome, local: DeviceAddress, now: Date = new Date()): Bond | undefined {
  if (outcome.result !== 'paired' || !outcome.bonded) return undefined;
  const bond: Bond = {
    local,
    peer: outcome.peerIdentity,
    role: outcome.role === 'initiator' ? 'central' : 'peripheral',
    security: outcome.security,
    createdAt: now.toISOString(),
  };
  setKeys(bond, 'peer', outcome.peer);
  setKeys(bond, 'local', outcome.local);
  return bond;
}

function setKeys(bond: Bond, side: 'peer' | 'local', keys: DistributedKeys): void {
  if (keys.ltk) bond[`${side}Ltk`] = keys.ltk;
  if (keys.irk) bond[`${side}Irk`] = keys.irk;
  if (keys.csrk) bond[`${side}Csrk`] = keys.csrk;
}

/** What the engine needs of a bond. */
export function engineBond(bond: Bond): EngineBond {
  return { security: bond.security, ...(bond.peerLtk ? { peerLtk: bond.peerLtk } : {}), ...(bond.localLtk ? { localLtk: bond.localLtk } : {}) };
}

/** One key for local and peer identity: 'AA:BB:CC:DD:EE:FF/public>11:22:33:44:55:66/random'. */
export const bondKey = (local: DeviceAddress, peer: DeviceAddress): string =>
  `${local.address.toUpperCase()}/${local.type}>${peer.address.toUpperCase()}/${peer.type}`;

// --- JSON ----------------------------------------------------------------------------------------

const hex = (b: Buffer) => b.toString('hex');
const ltkJson = (k: LongTermKey) => ({ key: hex(k.key), ediv: k.ediv, rand: hex(k.rand), keySize: k.keySize });

export function bondToJson(b: Bond): Record<string, unknown> {
  return {
    local: b.local,
    peer: b.peer,
    role: b.role,
    security: b.security,
    ...(b.peerLtk ? { peerLtk: ltkJson(b.peerLtk) } : {}),
    ...(b.localLtk ? { localLtk: ltkJson(b.localLtk) } : {}),
    ...(b.peerIrk ? { peerIrk: hex(b.peerIrk) } : {}),
    ...(b.peerCsrk ? { peerCsrk: hex(b.peerCsrk) } : {}),
    ...(b.localIrk ? { localIrk: hex(b.localIrk) } : {}),
    ...(b.localCsrk ? { localCsrk: hex(b.localCsrk) } : {}),
    createdAt: b.createdAt,
    ...(b.gattServer ? { gattServer: { databaseHash: hex(b.gattServer.databaseHash), clientFeatures: b.gattServer.clientFeatures, serviceChangedCccd: b.gattServer.serviceChangedCccd } } : {}),
    ...(b.gattCache ? { gattCache: { ...(b.gattCache.databaseHash ? { databaseHash: hex(b.gattCache.databaseHash) } : {}), services: b.gattCache.services } } : {}),
  };
}

export class BondFormatError extends Error {
  constructor(readonly path: string, why: string) {
    super(`${path}: ${why}`);
  }
}

/** A bond from its JSON form; throws BondFormatError naming the field. */
export function bondFromJson(v: unknown, path: string): Bond {
  const obj = (x: unknown, p: string): Record<string, unknown> => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new BondFormatError(p, 'is not an object');
    return x as Record<string, unknown>;
  };
  const o = obj(v, path);
  const buf = (x: unknown, p: string, octets: number): Buffer => {
    if (typeof x !== 'string' || !new RegExp(`^[0-9a-fA-F]{${octets * 2}}$`).test(x)) throw new BondFormatError(p, `is not ${octets} octets of hex`);
    return Buffer.from(x, 'hex');
  };
  const int = (x: unknown, p: string, min: number, max: number): number => {
    if (!Number.isInteger(x) || (x as number) < min || (x as number) > max) throw new BondFormatError(p, `is not an integer from ${min} to ${max}`);
    return x as number;
  };
  const address = (x: unknown, p: string): DeviceAddress => {
    const a = obj(x, p);
    if (typeof a.address !== 'string' || !/^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/.test(a.address)) throw new BondFormatError(`${p}.address`, 'is not an address like AA:BB:CC:DD:EE:FF');
    if (a.type !== 'public' && a.type !== 'random') throw new BondFormatError(`${p}.type`, "is not 'public' or 'random'");
    return { address: a.address.toUpperCase(), type: a.type };
  };
  const ltk = (x: unknown, p: string): LongTermKey => {
    const l = obj(x, p);
    return { key: buf(l.key, `${p}.key`, 16), ediv: int(l.ediv, `${p}.ediv`, 0, 0xffff), rand: buf(l.rand, `${p}.rand`, 8), keySize: int(l.keySize, `${p}.keySize`, 7, 16) };
  };
  const local = address(o.local, `${path}.local`);
  const peer = address(o.peer, `${path}.peer`);
  const s = obj(o.security, `${path}.security`);
  const methods = ['Just Works', 'Passkey Entry', 'Numeric Comparison', 'OOB'];
  if (!methods.includes(s.method as string)) throw new BondFormatError(`${path}.security.method`, `is not one of ${methods.join(', ')}`);
  if (typeof s.authenticated !== 'boolean' || typeof s.secureConnections !== 'boolean') throw new BondFormatError(`${path}.security`, 'needs authenticated and secureConnections (true/false)');
  if (s.debugKey !== undefined && typeof s.debugKey !== 'boolean') throw new BondFormatError(`${path}.security.debugKey`, 'is not true or false');
  if (o.role !== 'central' && o.role !== 'peripheral') throw new BondFormatError(`${path}.role`, "is not 'central' or 'peripheral'");
  if (typeof o.createdAt !== 'string') throw new BondFormatError(`${path}.createdAt`, 'is not a date string');
  const bond: Bond = {
    local,
    peer,
    role: o.role,
    security: {
      method: s.method as KeySecurity['method'],
      authenticated: s.authenticated,
      secureConnections: s.secureConnections,
      keySize: int(s.keySize, `${path}.security.keySize`, 7, 16),
      ...(s.debugKey === true ? { debugKey: true } : {}),
    },
    createdAt: o.createdAt,
  };
  if (o.peerLtk !== undefined) bond.peerLtk = ltk(o.peerLtk, `${path}.peerLtk`);
  if (o.localLtk !== undefined) bond.localLtk = ltk(o.localLtk, `${path}.localLtk`);
  for (const k of ['peerIrk', 'peerCsrk', 'localIrk', 'localCsrk'] as const) if (o[k] !== undefined) bond[k] = buf(o[k], `${path}.${k}`, 16);
  if (o.gattServer !== undefined) {
    const g = obj(o.gattServer, `${path}.gattServer`);
    bond.gattServer = {
      databaseHash: buf(g.databaseHash, `${path}.gattServer.databaseHash`, 16),
      clientFeatures: int(g.clientFeatures, `${path}.gattServer.clientFeatures`, 0, 0xff),
      serviceChangedCccd: int(g.serviceChangedCccd, `${path}.gattServer.serviceChangedCccd`, 0, 0xffff),
    };
  }
  if (o.gattCache !== undefined) bond.gattCache = gattCacheFromJson(o.gattCache, `${path}.gattCache`, { obj, buf, int });
  return bond;
}

interface JsonReaders {
  obj: (x: unknown, p: string) => Record<string, unknown>;
  buf: (x: unknown, p: string, octets: number) => Buffer;
  int: (x: unknown, p: string, min: number, max: number) => number;
}

/** A GATT cache from its JSON form, every handle checked (0x0001..0xFFFF). */
function gattCacheFromJson(v: unknown, path: string, r: JsonReaders): GattCache {
  const o = r.obj(v, path);
  const handle = (x: unknown, p: string) => r.int(x, p, 1, 0xffff);
  const uuid = (x: unknown, p: string): string => {
    if (typeof x !== 'string' || !/^([0-9a-f]{4}|[0-9a-f]{8}|[0-9a-f]{32})$/.test(x)) throw new BondFormatError(p, 'is not a UUID in canonical form (4, 8 or 32 lower-case hex digits)');
    return x;
  };
  const list = (x: unknown, p: string): unknown[] => {
    if (!Array.isArray(x)) throw new BondFormatError(p, 'is not a list');
    return x;
  };
  const services = list(o.services, `${path}.services`).map((sv, i) => {
    const sp = `${path}.services[${i}]`;
    const s = r.obj(sv, sp);
    return {
      uuid: uuid(s.uuid, `${sp}.uuid`),
      startHandle: handle(s.startHandle, `${sp}.startHandle`),
      endHandle: handle(s.endHandle, `${sp}.endHandle`),
      characteristics: list(s.characteristics, `${sp}.characteristics`).map((cv, j) => {
        const cp = `${sp}.characteristics[${j}]`;
        const c = r.obj(cv, cp);
        return {
          uuid: uuid(c.uuid, `${cp}.uuid`),
          declarationHandle: handle(c.declarationHandle, `${cp}.declarationHandle`),
          valueHandle: handle(c.valueHandle, `${cp}.valueHandle`),
          endHandle: handle(c.endHandle, `${cp}.endHandle`),
          properties: r.int(c.properties, `${cp}.properties`, 0, 0xff),
          descriptors: list(c.descriptors, `${cp}.descriptors`).map((dv, k) => {
            const d = r.obj(dv, `${cp}.descriptors[${k}]`);
            return { uuid: uuid(d.uuid, `${cp}.descriptors[${k}].uuid`), handle: handle(d.handle, `${cp}.descriptors[${k}].handle`) };
          }),
        };
      }),
    };
  });
  return { ...(o.databaseHash !== undefined ? { databaseHash: r.buf(o.databaseHash, `${path}.databaseHash`, 16) } : {}), services };
}
