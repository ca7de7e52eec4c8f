// Legacy advertising as others see it: which address an advertiser uses, whether it can be
// scanned or connected, and the report types a scanner gets. Core v5.4 Vol 6 Part B 2.3.1,
// Vol 4 Part E 7.8.5 (parameters), 7.7.65.2 (report event types).
import { ADDRESS_TYPE } from '../codes/hci.js';
import { ADV_TYPE, filterAcceptKey, type AdvertisingParameters } from './state.js';
import type { VirtualController } from './controller.js';

/** LE Advertising Report Event_Type, 7.7.65.2. */
export const REPORT_TYPE = { ADV_IND: 0x00, ADV_DIRECT_IND: 0x01, ADV_SCAN_IND: 0x02, ADV_NONCONN_IND: 0x03, SCAN_RSP: 0x04 } as const;

/** Filter policy bits. Advertising (7.8.5): bit 0 scan requests, bit 1 connect requests only from the
 * filter accept list. Scanning (7.8.10): bit 0 advertisers from the list only. Initiator (7.8.12):
 * 0x01 connect to any device in the list. */
export const FILTER_POLICY = {
  ADV_SCAN_REQUESTS_FROM_LIST: 0x01,
  ADV_CONNECT_REQUESTS_FROM_LIST: 0x02,
  SCAN_ACCEPT_LIST_ONLY: 0x01,
  INITIATOR_USE_ACCEPT_LIST: 0x01,
} as const;

/** Longest legacy advertising or scan response data, 7.8.7. */
export const LEGACY_ADV_DATA_MAX = 31;

/** 1.28 s: how long high duty cycle directed advertising lasts (Vol 6 Part B 4.4.2.4.3). */
export const HIGH_DUTY_DIRECTED_TIMEOUT_MS = 1280;

export interface OnAirAddress {
  type: number; // PUBLIC or RANDOM as it appears on air and in reports
  address: Buffer;
}

/**
 * The device address used for an Own_Address_Type (7.8.5): 0x02/0x03 fall back to the public or
 * random address because the resolving list is empty. Undefined when a random address is needed
 * and none was set.
 */
export function ownAddress(c: VirtualController, ownAddressType: number): OnAirAddress | undefined {
  if (ownAddressType === ADDRESS_TYPE.PUBLIC || ownAddressType === ADDRESS_TYPE.PUBLIC_IDENTITY) {
    return { type: ADDRESS_TYPE.PUBLIC, address: c.addressBytes };
  }
  const random = c.state.randomAddress;
  return random ? { type: ADDRESS_TYPE.RANDOM, address: random } : undefined;
}

export function isConnectable(p: AdvertisingParameters): boolean {
  return p.type === ADV_TYPE.ADV_IND || p.type === ADV_TYPE.ADV_DIRECT_IND_HIGH_DUTY || p.type === ADV_TYPE.ADV_DIRECT_IND_LOW_DUTY;
}

export function isDirected(p: AdvertisingParameters): boolean {
  return p.type === ADV_TYPE.ADV_DIRECT_IND_HIGH_DUTY || p.type === ADV_TYPE.ADV_DIRECT_IND_LOW_DUTY;
}

export function isScannable(p: AdvertisingParameters): boolean {
  return p.type === ADV_TYPE.ADV_IND || p.type === ADV_TYPE.ADV_SCAN_IND;
}

/** The peer type on air for a Peer_Address_Type / Direct address type (0x00/0x02 public, 0x01/0x03 random). */
export function airAddressType(t: number): number {
  return t === ADDRESS_TYPE.PUBLIC || t === ADDRESS_TYPE.PUBLIC_IDENTITY ? ADDRESS_TYPE.PUBLIC : ADDRESS_TYPE.RANDOM;
}

/** Is `who` (type + address on air) the target of this directed advertiser? */
export function isDirectedAt(p: AdvertisingParameters, who: OnAirAddress): boolean {
  return airAddressType(p.peerAddressType) === who.type && p.peerAddress.equals(who.address);
}

/** Does a filter accept list let `who` through? */
export function inFilterAcceptList(c: VirtualController, who: OnAirAddress): boolean {
  return c.state.filterAcceptList.has(filterAcceptKey(who.type, who.address));
}

/** The advertiser as scanners and initiators see it right now, or undefined if not on air. */
export function onAir(c: VirtualController): OnAirAddress | undefined {
  const adv = c.state.adv;
  if (!adv.enabled || c.closed) return undefined;
  return ownAddress(c, adv.params.ownAddressType);
}

/** Report types for one advertising event seen by a scanner (scan response only for active scanners). */
export function legacyReportTypes(p: AdvertisingParameters): { adv: number; scanRsp?: number } {
  switch (p.type) {
    case ADV_TYPE.ADV_IND:
      return { adv: REPORT_TYPE.ADV_IND, scanRsp: REPORT_TYPE.SCAN_RSP };
    case ADV_TYPE.ADV_SCAN_IND:
      return { adv: REPORT_TYPE.ADV_SCAN_IND, scanRsp: REPORT_TYPE.SCAN_RSP };
    case ADV_TYPE.ADV_NONCONN_IND:
      return { adv: REPORT_TYPE.ADV_NONCONN_IND };
    default:
      return { adv: REPORT_TYPE.ADV_DIRECT_IND };
  }
}
