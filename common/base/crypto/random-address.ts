// Resolvable private addresses: the hash function ah and the RPA built from it. A leaf both the
// controller (common/stack/air/, LL Privacy) and the host's Security Manager (common/stack/smp/) import.
// Core v5.4 Vol 3 Part H 2.2.2 (ah), Vol 6 Part B 1.3.2.2 (RPA generation and resolution).
// Values here are in the spec's order (most significant octet first); addresses as HCI carries
// them (least significant octet first) are converted where named.
import { createCipheriv, randomBytes } from 'node:crypto';

const IRK_LENGTH = 16;
const PRAND_LENGTH = 3;
const ADDRESS_LENGTH = 6;
/** Top two bits of an RPA's most significant octet: 0b01 (Vol 6 Part B 1.3.2.2). */
const RPA_TOP_BITS = 0b01;

/** ah(k, r): the random address hash, 24 bits. Vol 3 Part H 2.2.2: e(k, padding || r) mod 2^24. */
export function ah(k: Uint8Array, r: Uint8Array): Buffer {
  if (k.length !== IRK_LENGTH) throw new RangeError(`ah: k must be ${IRK_LENGTH} octets, got ${k.length}`);
  if (r.length !== PRAND_LENGTH) throw new RangeError(`ah: r must be ${PRAND_LENGTH} octets, got ${r.length}`);
  const c = createCipheriv('aes-128-ecb', k, null);
  c.setAutoPadding(false);
  const block = Buffer.concat([c.update(Buffer.concat([Buffer.alloc(IRK_LENGTH - PRAND_LENGTH), r])), c.final()]);
  return block.subarray(IRK_LENGTH - PRAND_LENGTH);
}

/** An IRK of all zeros means "no IRK": the identity address is used and expected (Vol 6 Part B 4.7). */
export function isZeroIrk(irk: Uint8Array): boolean {
  return irk.every((b) => b === 0);
}

/** Is this random address (HCI order) resolvable: top bits 0b01? */
export function isResolvablePrivateAddress(addressLe: Uint8Array): boolean {
  return addressLe.length === ADDRESS_LENGTH && addressLe[ADDRESS_LENGTH - 1]! >> 6 === RPA_TOP_BITS;
}

/**
 * The RPA for prand (3 octets, MSB-first; its top bits are forced to 0b01) and the IRK (MSB-first),
 * in HCI order: hash in the 3 least significant octets, prand in the 3 most (Vol 6 Part B 1.3.2.2).
 */
export function rpaFromPrand(irk: Uint8Array, prand: Uint8Array): Buffer {
  const p = Buffer.from(prand);
  p[0] = (p[0]! & 0x3f) | (RPA_TOP_BITS << 6);
  const msbFirst = Buffer.concat([p, ah(irk, p)]);
  return msbFirst.reverse();
}

/** A fresh RPA from an IRK (MSB-first), HCI order. prand's random part is neither all 0 nor all 1. */
export function generateRpa(irk: Uint8Array): Buffer {
  for (;;) {
    const prand = randomBytes(PRAND_LENGTH);
    prand[0] = (prand[0]! & 0x3f) | (RPA_TOP_BITS << 6);
    const random = ((prand[0]! & 0x3f) << 16) | (prand[1]! << 8) | prand[2]!;
    if (random !== 0 && random !== 0x3fffff) return rpaFromPrand(irk, prand);
  }
}

/** Does this address (HCI order) resolve with this IRK (MSB-first)? Vol 6 Part B 1.3.2.3. */
export function resolvesWith(irk: Uint8Array, addressLe: Uint8Array): boolean {
  if (!isResolvablePrivateAddress(addressLe) || isZeroIrk(irk)) return false;
  const msbFirst = Buffer.from(addressLe).reverse();
  return ah(irk, msbFirst.subarray(0, PRAND_LENGTH)).equals(msbFirst.subarray(PRAND_LENGTH));
}

/** Top two bits of a static address's most significant octet: 0b11 (Vol 6 Part B 1.3.2.1). */
const STATIC_TOP_BITS = 0b11;

/**
 * A fresh random static address, HCI order: top bits 0b11, the random part neither all 0 nor all 1
 * (Vol 6 Part B 1.3.2.1). What a device takes as its new identity when it has no public address to keep.
 */
export function generateStaticAddress(): Buffer {
  for (;;) {
    const a = randomBytes(ADDRESS_LENGTH);
    a[ADDRESS_LENGTH - 1] = (a[ADDRESS_LENGTH - 1]! & 0x3f) | (STATIC_TOP_BITS << 6);
    const rest = Buffer.from(a);
    rest[ADDRESS_LENGTH - 1]! &= 0x3f;
    if (!rest.every((b) => b === 0) && !(rest.subarray(0, ADDRESS_LENGTH - 1).every((b) => b === 0xff) && rest[ADDRESS_LENGTH - 1] === 0x3f)) return a;
  }
}

/** What kind of random address this is (HCI order), by its top two bits (Vol 6 Part B 1.3 Table 1.2). */
export type RandomAddressKind = 'static' | 'resolvable' | 'non-resolvable' | 'reserved';
export function randomAddressKind(addressLe: Uint8Array): RandomAddressKind {
  const top = addressLe[ADDRESS_LENGTH - 1]! >> 6;
  return top === STATIC_TOP_BITS ? 'static' : top === RPA_TOP_BITS ? 'resolvable' : top === 0 ? 'non-resolvable' : 'reserved';
}
