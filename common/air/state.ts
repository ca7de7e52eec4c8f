// The host-visible state of one virtual controller: what Reset puts back to its defaults.
// Core v5.4 Vol 4 Part E 7.3.2 (Reset), defaults from each command's section.
import { ADDRESS_TYPE } from '../codes/hci.js';
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
  };
}

export function filterAcceptKey(addressType: number, address: Buffer): string {
  return `${addressType}/${address.toString('hex')}`;
}
