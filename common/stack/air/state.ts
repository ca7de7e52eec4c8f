// The host-visible state of one virtual controller: what Reset puts back to its defaults.
// Core v5.4 Vol 4 Part E 7.3.2 (Reset), defaults from each command's section.
import { ADDRESS_TYPE, PRIVACY_MODE, RPA_TIMEOUT_S } from '../../base/codes/hci.js';
import { DATA_LENGTH, LOCAL_NAME_LENGTH, PHY_MASK } from './capabilities.js';
import { EventMasks } from './event-mask.js';
import type { Cancel } from './timers.js';

/** 7.8.5 Advertising_Type. */
export const ADV_TYPE = {
  ADV_IND: 0x00,
  ADV_DIRECT_IND_HIGH_DUTY: 0x01,
  ADV_SCAN_IND: 0x02,
  ADV_NONCONN_IND: 0x03,
  ADV_DIRECT_IND_LOW_DUTY: 0x04,
} as const;

export interface AdvertisingParameters {
  intervalMin: number; // 0.625 ms units
  intervalMax: number;
  type: number;
  ownAddressType: number;
  peerAddressType: number;
  peerAddress: Buffer;
  channelMap: number;
  filterPolicy: number;
}

export interface AdvertisingState {
  params: AdvertisingParameters;
  data: Buffer;
  scanResponse: Buffer;
  enabled: boolean;
  /** High duty cycle directed advertising ends after 1.28 s (Vol 6 Part B 4.4.2.4.3). */
  cancelDirectedTimeout?: Cancel;
}

export interface ScanParameters {
  active: boolean;
  interval: number;
  window: number;
  ownAddressType: number;
  filterPolicy: number;
}

export interface ScanState {
  params: ScanParameters;
  enabled: boolean;
  filterDuplicates: boolean;
  /** Duplicate filter: `${address}/${reportType}` seen since this scan enable. */
  seen: Set<string>;
}

export interface ConnectionParameters {
  intervalMin: number; // 1.25 ms units
  intervalMax: number;
  latency: number;
  timeout: number; // 10 ms units
}

export interface InitiatorState {
  filterPolicy: number; // 0x00 peer address, 0x01 filter accept list
  peerAddressType: number;
  peerAddress: Buffer;
  ownAddressType: number;
  conn: ConnectionParameters;
  opcode: number;
}

/** One resolving list record (Vol 6 Part B 4.7; Vol 4 Part E 7.8.38). IRKs MSB-first, addresses as HCI carries them. */
export interface ResolvingListEntry {
  peerIdentityType: number; // 0x00 public, 0x01 random (static)
  peerIdentity: Buffer;
  peerIrk: Buffer;
  localIrk: Buffer;
  privacyMode: number; // PRIVACY_MODE, 7.8.77
  /** The local RPA in use with this peer until the RPA timeout renews it. */
  localRpa?: Buffer;
  /** The last RPA of this peer the controller resolved (7.8.42). */
  peerRpa?: Buffer;
}

export interface PrivacyState {
  resolvingList: ResolvingListEntry[];
  addressResolutionEnabled: boolean;
  rpaTimeoutS: number;
  /** Radio clock (ms) when the current local RPAs were generated; undefined: none yet. */
  rpaGeneratedAt: number | undefined;
}

export interface ControllerState {
  masks: EventMasks;
  localName: Buffer;
  randomAddress: Buffer | undefined;
  leHostSupported: number;
  simplePairingMode: number;
  secureConnectionsHostSupport: number;
  controllerToHostFlowControl: number;
  hostBufferSize: { aclLength: number; syncLength: number; aclPackets: number; syncPackets: number };
  adv: AdvertisingState;
  scan: ScanState;
  initiating: InitiatorState | undefined;
  /** Entries `${addressType}/${hex address}`; type 0xFF is "anonymous advertisements". */
  filterAcceptList: Set<string>;
  suggestedDataLength: { octets: number; time: number };
  defaultPhy: { allPhys: number; tx: number; rx: number };
  privacy: PrivacyState;
}

/** Defaults after power-on or Reset. */
export function freshState(): ControllerState {
  return {
    masks: new EventMasks(),
    localName: Buffer.alloc(LOCAL_NAME_LENGTH),
    randomAddress: undefined,
    leHostSupported: 0,
    simplePairingMode: 0,
    secureConnectionsHostSupport: 0,
    controllerToHostFlowControl: 0,
    hostBufferSize: { aclLength: 0, syncLength: 0, aclPackets: 0, syncPackets: 0 },
    adv: {
      // 7.8.5 defaults: 1.28 s interval, ADV_IND, public, all channels, no filter
      params: {
        intervalMin: 0x0800,
        intervalMax: 0x0800,
        type: ADV_TYPE.ADV_IND,
        ownAddressType: ADDRESS_TYPE.PUBLIC,
        peerAddressType: ADDRESS_TYPE.PUBLIC,
        peerAddress: Buffer.alloc(6),
        channelMap: 0x07,
        filterPolicy: 0x00,
      },
      data: Buffer.alloc(0),
      scanResponse: Buffer.alloc(0),
      enabled: false,
    },
    scan: {
      // 7.8.10 defaults: passive, 10 ms interval and window
      params: { active: false, interval: 0x0010, window: 0x0010, ownAddressType: ADDRESS_TYPE.PUBLIC, filterPolicy: 0x00 },
      enabled: false,
      filterDuplicates: false,
      seen: new Set(),
    },
    initiating: undefined,
    filterAcceptList: new Set(),
    suggestedDataLength: { octets: DATA_LENGTH.MIN_OCTETS, time: DATA_LENGTH.MIN_TIME },
    defaultPhy: { allPhys: 0x03, tx: PHY_MASK.ALL, rx: PHY_MASK.ALL },
    // Reset empties the resolving list, disables resolution, RPA timeout 900 s (Vol 6 Part B 4.7; 7.8.44, 7.8.45)
    privacy: { resolvingList: [], addressResolutionEnabled: false, rpaTimeoutS: RPA_TIMEOUT_S.DEFAULT, rpaGeneratedAt: undefined },
  };
}

/** Default Privacy_Mode of a new resolving list entry: network privacy (7.8.77). */
export const DEFAULT_PRIVACY_MODE = PRIVACY_MODE.NETWORK;

export function filterAcceptKey(addressType: number, address: Buffer): string {
  return `${addressType}/${address.toString('hex')}`;
}
