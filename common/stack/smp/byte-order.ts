// The one place where the spec's order meets the wire's. Core v5.4 Vol 3 Part H 2.2 writes every value
// of the crypto toolbox most significant octet first (MSB-first); SMP PDUs (Vol 3 Part H 3.3) and HCI
// commands carry multi-octet values least significant octet first. Everything in common/stack/smp keeps the
// spec's order; PDUs, HCI commands and the key store's capture-comparable hex go through these helpers.
import { formatAddress } from '../../base/output/format.js';

/** A reversed copy: wire order (least significant first) ↔ spec order (most significant first). */
export function reversed(buf: Uint8Array): Buffer {
  return Buffer.from(buf).reverse();
}

/** Octets as they travel (SMP PDU, HCI parameter) → the spec's MSB-first value. */
export const fromWire = reversed;
/** The spec's MSB-first value → octets as they travel. */
export const toWire = reversed;

/** 'AA:BB:CC:DD:EE:FF' (most significant first, as people write it) → 6 octets MSB-first. */
export function addressBytes(address: string): Buffer {
  const hex = address.replace(/:/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`not a Bluetooth device address: ${JSON.stringify(address)}`);
  return Buffer.from(hex, 'hex');
}

/** 6 octets MSB-first → 'AA:BB:CC:DD:EE:FF'. */
export function addressText(msb: Uint8Array): string {
  return formatAddress(Buffer.from(msb).toString('hex'));
}

/** Address type octet of f5/f6 and c1: 0 public, 1 random. Vol 3 Part H 2.2.7, 2.2.3. */
export type AddressType = 'public' | 'random';
export const addressTypeBit = (t: AddressType): number => (t === 'random' ? 1 : 0);

/** The 56-bit A1/A2 of f5 and f6: address type octet, then the address, MSB-first. Vol 3 Part H 2.2.7. */
export function address56(type: AddressType, address: string): Buffer {
  return Buffer.concat([Buffer.from([addressTypeBit(type)]), addressBytes(address)]);
}

/** An unsigned integer as `octets` octets MSB-first (a passkey as the 128-bit TK or ra/rb). */
export function uintBytes(value: number, octets: number): Buffer {
  const out = Buffer.alloc(octets);
  let v = BigInt(value);
  for (let i = octets - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** An MSB-first value as a non-negative bigint. */
export function bytesToBigInt(msb: Uint8Array): bigint {
  return msb.length ? BigInt('0x' + Buffer.from(msb).toString('hex')) : 0n;
}

/** A non-negative bigint as `octets` octets MSB-first. */
export function bigIntToBytes(value: bigint, octets: number): Buffer {
  return Buffer.from(value.toString(16).padStart(octets * 2, '0').slice(-octets * 2), 'hex');
}
