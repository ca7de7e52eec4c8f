// Resolving list parameters for raw hosts: IRKs written MSB-first as the spec prints them, sent
// least significant octet first as HCI carries them (Core v5.4 Vol 4 Part E 7.8.38).
import { addressToWire } from '../../../common/stack/air/index.js';

export const ZERO_IRK = '00000000000000000000000000000000';

export function irkToWire(irkMsbFirst: string): Buffer {
  return Buffer.from(irkMsbFirst, 'hex').reverse();
}

/** Peer_Identity_Address_Type, Peer_Identity_Address. */
export function identity(type: number, address: string): Buffer {
  return Buffer.from([type, ...addressToWire(address)]);
}

/** LE Add Device To Resolving List parameters. */
export function resolvingEntry(type: number, address: string, peerIrk: string, localIrk: string): Buffer {
  return Buffer.concat([identity(type, address), irkToWire(peerIrk), irkToWire(localIrk)]);
}

export function rpaTimeout(seconds: number): number[] {
  return [seconds & 0xff, seconds >> 8];
}
