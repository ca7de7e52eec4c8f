// Builders for the HCI events the virtual controller sends: each returns one whole H4 packet.
// Core v5.4 Vol 4 Part E 5.4.4 (event packet), 7.7 (events), 7.7.65 (LE Meta subevents).
import { EVT, H4, LE_EVT } from '../../base/codes/hci.js';
import { params } from './bytes.js';
import { LINK_ENCRYPTION_KEY_SIZE } from './capabilities.js';
import type { VirtualController } from './controller.js';

/** Num_HCI_Command_Packets in every Command Complete/Status: one command at a time. Vol 4 Part E 7.7.14. */
export const NUM_HCI_COMMAND_PACKETS = 1;

export function hciEvent(code: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(3 + body.length);
  out[0] = H4.EVENT;
  out[1] = code;
  out[2] = body.length;
  body.copy(out, 3);
  return out;
}

function leMeta(subevent: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out[0] = H4.EVENT;
  out[1] = EVT.LE_META;
  out[2] = body.length + 1;
  out[3] = subevent;
  body.copy(out, 4);
  return out;
}

/** 7.7.14: Num_HCI_Command_Packets, Command_Opcode, Return_Parameters (status first). */
export function commandComplete(opcode: number, returnParams: Buffer): Buffer {
  return hciEvent(EVT.COMMAND_COMPLETE, Buffer.concat([params().u8(NUM_HCI_COMMAND_PACKETS).u16(opcode).build(), returnParams]));
}

/** 7.7.15: Status, Num_HCI_Command_Packets, Command_Opcode. */
export function commandStatus(status: number, opcode: number): Buffer {
  return hciEvent(EVT.COMMAND_STATUS, params().u8(status).u8(NUM_HCI_COMMAND_PACKETS).u16(opcode).build());
}

/** 7.7.5 */
export function disconnectionComplete(handle: number, reason: number): Buffer {
  return hciEvent(EVT.DISCONNECTION_COMPLETE, params().u8(0).u16(handle).u8(reason).build());
}

/** 7.7.8 (v1): Status, Connection_Handle, Encryption_Enabled. */
export function encryptionChange(status: number, handle: number, enabled: boolean): Buffer {
  return hciEvent(EVT.ENCRYPTION_CHANGE, params().u8(status).u16(handle).u8(enabled ? 1 : 0).build());
}

/** 7.7.8 (v2): v1's parameters, then Encryption_Key_Size (octets; 0 here when encryption is off). */
export function encryptionChangeV2(status: number, handle: number, enabled: boolean, keySize: number): Buffer {
  return hciEvent(EVT.ENCRYPTION_CHANGE_V2, params().u8(status).u16(handle).u8(enabled ? 1 : 0).u8(keySize).build());
}

/**
 * Encryption Change to this controller's host: [v2] when the host unmasked it with Set Event Mask
 * Page 2 (bit 25), in place of [v1], which the page 1 mask (bit 7) governs otherwise. 7.7.8, 7.3.69.
 */
export function sendEncryptionChange(c: VirtualController, status: number, handle: number, enabled: boolean): void {
  const on = status === 0 && enabled;
  c.send(c.state.masks.allows(EVT.ENCRYPTION_CHANGE_V2) ? encryptionChangeV2(status, handle, enabled, on ? LINK_ENCRYPTION_KEY_SIZE : 0) : encryptionChange(status, handle, enabled));
}

/** 7.7.39 */
export function encryptionKeyRefreshComplete(status: number, handle: number): Buffer {
  return hciEvent(EVT.ENCRYPTION_KEY_REFRESH_COMPLETE, params().u8(status).u16(handle).build());
}

/** 7.7.12 */
export function readRemoteVersionInformationComplete(status: number, handle: number, version: number, company: number, subversion: number): Buffer {
  return hciEvent(EVT.READ_REMOTE_VERSION_INFORMATION_COMPLETE, params().u8(status).u16(handle).u8(version).u16(company).u16(subversion).build());
}

/** Most handles one Number Of Completed Packets event can carry (255-octet parameter limit). */
export const NOCP_MAX_HANDLES = 63;

/** 7.7.19: Num_Handles, then Connection_Handle[i], Num_Completed_Packets[i]. */
export function numberOfCompletedPackets(entries: ReadonlyArray<readonly [handle: number, count: number]>): Buffer {
  const w = params().u8(entries.length);
  for (const [handle, count] of entries) w.u16(handle).u16(count);
  return hciEvent(EVT.NUMBER_OF_COMPLETED_PACKETS, w.build());
}

/** 7.7.26: Link_Type 0x01 = ACL. */
export const LINK_TYPE_ACL = 0x01;
export function dataBufferOverflow(linkType: number): Buffer {
  return hciEvent(EVT.DATA_BUFFER_OVERFLOW, params().u8(linkType).build());
}

export interface ConnectionCompleteFields {
  status: number;
  handle: number;
  role: number;
  peerAddressType: number;
  peerAddress: Buffer;
  interval: number;
  latency: number;
  supervisionTimeout: number;
  centralClockAccuracy: number;
  /** Enhanced event only: the local and peer RPAs (all zeros, or absent: none). 7.7.65.10. */
  localRpa?: Buffer;
  peerRpa?: Buffer;
}

const NO_ADDRESS = Buffer.alloc(6);

/** 7.7.65.1 LE Connection Complete. */
export function leConnectionComplete(f: ConnectionCompleteFields): Buffer {
  return leMeta(
    LE_EVT.CONNECTION_COMPLETE,
    params().u8(f.status).u16(f.handle).u8(f.role).u8(f.peerAddressType).bytesOf(f.peerAddress)
      .u16(f.interval).u16(f.latency).u16(f.supervisionTimeout).u8(f.centralClockAccuracy).build(),
  );
}

/** 7.7.65.10 LE Enhanced Connection Complete (v1): adds the local and peer resolvable private addresses (zero: none). */
export function leEnhancedConnectionComplete(f: ConnectionCompleteFields): Buffer {
  return leMeta(
    LE_EVT.ENHANCED_CONNECTION_COMPLETE,
    params().u8(f.status).u16(f.handle).u8(f.role).u8(f.peerAddressType).bytesOf(f.peerAddress).bytesOf(f.localRpa ?? NO_ADDRESS).bytesOf(f.peerRpa ?? NO_ADDRESS)
      .u16(f.interval).u16(f.latency).u16(f.supervisionTimeout).u8(f.centralClockAccuracy).build(),
  );
}

export interface AdvertisingReportFields {
  eventType: number;
  addressType: number;
  address: Buffer;
  data: Buffer;
  rssi: number;
}

/** 7.7.65.2 LE Advertising Report, one report per event. */
export function leAdvertisingReport(r: AdvertisingReportFields): Buffer {
  return leMeta(
    LE_EVT.ADVERTISING_REPORT,
    params().u8(1).u8(r.eventType).u8(r.addressType).bytesOf(r.address).u8(r.data.length).bytesOf(r.data).i8(r.rssi).build(),
  );
}

/** 7.7.65.3 */
export function leConnectionUpdateComplete(status: number, handle: number, interval: number, latency: number, timeout: number): Buffer {
  return leMeta(LE_EVT.CONNECTION_UPDATE_COMPLETE, params().u8(status).u16(handle).u16(interval).u16(latency).u16(timeout).build());
}

/** 7.7.65.4 */
export function leReadRemoteFeaturesComplete(status: number, handle: number, features: Buffer): Buffer {
  return leMeta(LE_EVT.READ_REMOTE_FEATURES_COMPLETE, params().u8(status).u16(handle).bytesOf(features).build());
}

/** 7.7.65.5 */
export function leLongTermKeyRequest(handle: number, rand: Buffer, ediv: number): Buffer {
  return leMeta(LE_EVT.LONG_TERM_KEY_REQUEST, params().u16(handle).bytesOf(rand).u16(ediv).build());
}

/** 7.7.65.6 */
export function leRemoteConnectionParameterRequest(handle: number, min: number, max: number, latency: number, timeout: number): Buffer {
  return leMeta(LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST, params().u16(handle).u16(min).u16(max).u16(latency).u16(timeout).build());
}

/** 7.7.65.7 */
export function leDataLengthChange(handle: number, maxTxOctets: number, maxTxTime: number, maxRxOctets: number, maxRxTime: number): Buffer {
  return leMeta(LE_EVT.DATA_LENGTH_CHANGE, params().u16(handle).u16(maxTxOctets).u16(maxTxTime).u16(maxRxOctets).u16(maxRxTime).build());
}

/** 7.7.65.12 */
export function lePhyUpdateComplete(status: number, handle: number, txPhy: number, rxPhy: number): Buffer {
  return leMeta(LE_EVT.PHY_UPDATE_COMPLETE, params().u8(status).u16(handle).u8(txPhy).u8(rxPhy).build());
}

/** 7.7.65.8: Status, Local_P-256_Public_Key (X then Y, each least significant octet first). */
export function leReadLocalP256PublicKeyComplete(status: number, key: Buffer): Buffer {
  return leMeta(LE_EVT.READ_LOCAL_P256_PUBLIC_KEY_COMPLETE, params().u8(status).bytesOf(key).build());
}

/** 7.7.65.9: Status, DHKey (least significant octet first). */
export function leGenerateDhkeyComplete(status: number, dhkey: Buffer): Buffer {
  return leMeta(LE_EVT.GENERATE_DHKEY_COMPLETE, params().u8(status).bytesOf(dhkey).build());
}
