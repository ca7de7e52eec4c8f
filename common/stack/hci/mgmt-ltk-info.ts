// The Long Term Key record of MGMT Load Long Term Keys, written by bleno's loader and read by the
// kernel share: 36 octets, address (6, LSB first), address type (1), key type (1), central (1),
// encryption size (1), EDIV (2), Rand (8), value (16). BlueZ doc/mgmt-api.txt ("Load Long Term Keys
// Command"); Linux net/bluetooth/mgmt.c load_long_term_keys.
import { MGMT_ADDRESS_TYPE, MGMT_LTK_INFO_SIZE, MGMT_LTK_TYPE } from '../../base/codes/mgmt.js';
import { addressToString } from './hci-packets.js';

export interface MgmtLtkInfo {
  peerAddress: string; // 'AA:BB:..'
  peerAddressType: 'public' | 'random';
  keyType: number; // MGMT_LTK_TYPE
  /** true: used when the local side is central (initiator); false: when it is peripheral (responder). */
  central: boolean;
  encSize: number;
  ediv: number;
  rand: Buffer; // 8 octets as on the wire
  value: Buffer; // 16 octets as on the wire
}

/** Smallest and largest encryption key size. Core v5.4 Vol 3 Part H 2.3.4. */
const MIN_ENC_SIZE = 7;
const MAX_ENC_SIZE = 16;

/** The 36 octets of one record. */
export function encodeMgmtLtkInfo(k: MgmtLtkInfo): Buffer {
  const info = Buffer.alloc(MGMT_LTK_INFO_SIZE);
  Buffer.from(k.peerAddress.split(':').reverse().join(''), 'hex').copy(info, 0);
  info[6] = k.peerAddressType === 'random' ? MGMT_ADDRESS_TYPE.LE_RANDOM : MGMT_ADDRESS_TYPE.LE_PUBLIC;
  info[7] = k.keyType;
  info[8] = k.central ? 1 : 0;
  info[9] = k.encSize;
  info.writeUInt16LE(k.ediv, 10);
  k.rand.copy(info, 12, 0, 8);
  k.value.copy(info, 20, 0, 16);
  return info;
}

/** One record, or undefined when a field is out of its range (the kernel refuses the command then). */
export function decodeMgmtLtkInfo(e: Buffer): MgmtLtkInfo | undefined {
  if (e.length !== MGMT_LTK_INFO_SIZE) return undefined;
  const addrType = e[6]!;
  const keyType = e[7]!;
  const central = e[8]!;
  const encSize = e[9]!;
  if (addrType !== MGMT_ADDRESS_TYPE.LE_PUBLIC && addrType !== MGMT_ADDRESS_TYPE.LE_RANDOM) return undefined;
  if (keyType > MGMT_LTK_TYPE.DEBUG_P256 || central > 1 || encSize < MIN_ENC_SIZE || encSize > MAX_ENC_SIZE) return undefined;
  return {
    peerAddress: addressToString(e.subarray(0, 6)),
    peerAddressType: addrType === MGMT_ADDRESS_TYPE.LE_PUBLIC ? 'public' : 'random',
    keyType,
    central: central === 1,
    encSize,
    ediv: e.readUInt16LE(10),
    rand: own(e, 12, 20),
    value: own(e, 20, 36),
  };
}

/** Octets in a Buffer of their own: Buffer.alloc is never a slice of the shared 8 KiB pool, which a key kept for the run would keep alive. */
function own(from: Buffer, start: number, end: number): Buffer {
  const b = Buffer.alloc(end - start);
  from.copy(b, 0, start, end);
  return b;
}
