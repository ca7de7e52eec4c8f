// The Identity Resolving Key record of MGMT Load Identity Resolving Keys, written by bleno's loader and
// read by the kernel share: 23 octets, address (6, LSB first), address type (1: 0x01 LE public, 0x02 LE
// random), value (16, least significant octet first as SMP carries it). BlueZ doc/mgmt-api.txt ("Load
// Identity Resolving Keys Command", 0x0030); Linux net/bluetooth/mgmt.c load_irks.
import { MGMT_ADDRESS_TYPE, MGMT_IRK_INFO_SIZE } from '../../base/codes/mgmt.js';
import { addressToBuffer, addressToString } from './hci-packets.js';

export interface MgmtIrkInfo {
  /** The peer's identity address, 'AA:BB:..'. */
  peerAddress: string;
  peerAddressType: 'public' | 'random';
  /** The IRK, most significant octet first (the spec's order, as bonds keep it). */
  irk: Buffer;
}

export function encodeMgmtIrkInfo(k: MgmtIrkInfo): Buffer {
  const info = Buffer.alloc(MGMT_IRK_INFO_SIZE);
  addressToBuffer(k.peerAddress).copy(info, 0);
  info[6] = k.peerAddressType === 'random' ? MGMT_ADDRESS_TYPE.LE_RANDOM : MGMT_ADDRESS_TYPE.LE_PUBLIC;
  Buffer.from(k.irk).reverse().copy(info, 7);
  return info;
}

/** One record, or undefined when its address type is not LE (the kernel refuses the command then). */
export function decodeMgmtIrkInfo(e: Buffer): MgmtIrkInfo | undefined {
  if (e.length !== MGMT_IRK_INFO_SIZE) return undefined;
  const t = e[6];
  if (t !== MGMT_ADDRESS_TYPE.LE_PUBLIC && t !== MGMT_ADDRESS_TYPE.LE_RANDOM) return undefined;
  return { peerAddress: addressToString(e.subarray(0, 6)), peerAddressType: t === MGMT_ADDRESS_TYPE.LE_PUBLIC ? 'public' : 'random', irk: Buffer.from(e.subarray(7, 23)).reverse() };
}

/** The parameters of Load Identity Resolving Keys: Key_Count (2), then the records. */
export function loadIrksParams(irks: readonly MgmtIrkInfo[]): Buffer {
  const count = Buffer.alloc(2);
  count.writeUInt16LE(irks.length);
  return Buffer.concat([count, ...irks.map(encodeMgmtIrkInfo)]);
}
