// Legacy advertising as others see it: which address an advertiser uses, whether it can be
// scanned or connected, and the report types a scanner gets. Core v5.4 Vol 6 Part B 2.3.1,
// Vol 4 Part E 7.8.5 (parameters), 7.7.65.2 (report event types).
import { ADDRESS_TYPE } from '../../base/codes/hci.js';
import { identityOf, ignoredByPrivacyMode, localRpaFor, sameIdentity, type Identity } from './privacy.js';
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
  type: number; // PUBLIC or RANDOM as on air (reports of resolved peers use 0x02/0x03)
  address: Buffer;
  /** A resolvable private address the controller generated from a local IRK (Own_Address_Type 0x02/0x03). */
  controllerRpa?: boolean;
}

/**
 * The device address used for an Own_Address_Type (7.8.5, 7.8.10, 7.8.12) with this peer identity:
 * 0x02/0x03 use the local RPA of the peer's resolving list entry, else fall back to the public (0x02)
 * or random (0x03) address. Undefined when a random address is needed and none was set.
 */
export function ownAddress(c: VirtualController, ownAddressType: number, peer?: Identity): OnAirAddress | undefined {
  if (ownAddressType === ADDRESS_TYPE.PUBLIC_IDENTITY || ownAddressType === ADDRESS_TYPE.RANDOM_IDENTITY) {
    const rpa = localRpaFor(c, peer);
    if (rpa) return { type: ADDRESS_TYPE.RANDOM, address: rpa, controllerRpa: true };
  }
  if (ownAddressType === ADDRESS_TYPE.PUBLIC || ownAddressType === ADDRESS_TYPE.PUBLIC_IDENTITY) {
    return { type: ADDRESS_TYPE.PUBLIC, address: c.addressBytes };
  }
  const random = c.state.randomAddress;
  return random ? { type: ADDRESS_TYPE.RANDOM, address: random } : undefined;
}

/** The peer an advertiser's Peer_Address_Type/Peer_Address names (its resolving list key too, 7.8.5). */
export function advertisingPeer(p: AdvertisingParameters): Identity {
  return { type: p.peerAddressType, address: p.peerAddress };
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

/**
 * Is `who` (type + address on air) the target of `advertiser`'s directed advertising? An RPA that
 * the advertiser resolves to the target identity counts; in network privacy mode the target's
 * identity address on air does not (Vol 6 Part B 4.7).
 */
export function isDirectedAt(advertiser: VirtualController, who: OnAirAddress): boolean {
  const p = advertiser.state.adv.params;
  if (ignoredByPrivacyMode(advertiser, who)) return false;
  return sameIdentity({ type: airAddressType(p.peerAddressType), address: p.peerAddress }, identityOf(advertiser, who));
}

/** Does a filter accept list let `who` through? With resolution on, a resolved RPA is looked up by its identity. */
export function inFilterAcceptList(c: VirtualController, who: OnAirAddress): boolean {
  const id = identityOf(c, who);
  return c.state.filterAcceptList.has(filterAcceptKey(id.type, id.address));
}

/** The advertiser as scanners and initiators see it right now, or undefined if not on air. */
export function onAir(c: VirtualController): OnAirAddress | undefined {
  const adv = c.state.adv;
  if (!adv.enabled || c.closed) return undefined;
  return ownAddress(c, adv.params.ownAddressType, advertisingPeer(adv.params));
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
