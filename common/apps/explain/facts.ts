// What explain keeps about each connection: the story lines in order and the facts the findings' rules read.
// Bounded: per connection, a fixed number of story lines and evidence items, whatever the capture's length.
import type { AuthReqFlags, PairingMethod } from '../../base/codes/smp.js';

/** Where something happened: the frame as Wireshark numbers it, and when. */
export interface At {
  frame: number;
  unixMs: number;
}

export type Role = 'central' | 'peripheral';

export interface PairingFeaturesSeen {
  ioCapability: number;
  ioCapabilityName: string;
  oob: boolean;
  authReq: number;
  flags: AuthReqFlags;
  maxKeySize: number;
  /** Initiator and Responder Key Distribution (Vol 3 Part H 3.6.1: EncKey 0x01, IdKey 0x02, SignKey 0x04, LinkKey 0x08). */
  initiatorKeys: number;
  responderKeys: number;
}

export interface PairingAttempt {
  request: At & { by: Role; features?: PairingFeaturesSeen };
  response?: At & { features?: PairingFeaturesSeen };
  method?: PairingMethod;
  secureConnections?: boolean;
  /** The last SMP PDU of this attempt. */
  last: At;
  failed?: At & { reason: number; by: Role };
  /** Keys handed over (kinds), by whom. */
  keys: { kind: string; by: Role }[];
  /** Encryption came up after this attempt. */
  encrypted?: At;
}

export interface EncryptionAttempt {
  start: At;
  /** 'LE Enable Encryption' (this host is central), 'LTK Request' (this host is peripheral), 'LL_ENC_REQ' (air). */
  via: 'LE Enable Encryption' | 'LTK Request' | 'LL_ENC_REQ';
  ediv: number;
  rand: string;
  /** Peripheral side: the host's answer. */
  reply?: At & { found: boolean };
  result?: At & { status: number };
  /** Keys from the pairing on this link (STK / LE SC LTK) rather than a stored bond. */
  afterPairing: boolean;
}

export interface AttErrorFact extends At {
  code: number;
  requestOpcode: number;
  attributeHandle: number;
  /** Was the link encrypted when the error came? */
  encrypted: boolean;
  /** Sent by (the server). */
  by: Role;
}

export interface StoryLine extends At {
  text: string;
}

export interface ConnectionFacts {
  /** 1-based number of this connection in the capture. */
  number: number;
  controller: number;
  handle: number;
  /** This capture's host's role (undefined on an air capture). */
  hostRole?: Role;
  centralAddress?: string;
  peripheralAddress?: string;
  /** The peer's address type as the controller gave it (HCI captures). */
  peerAddressType?: number;
  /** Identity addresses handed over during key distribution, by role. */
  identity: Partial<Record<Role, string>>;
  connected: At;
  lines: StoryLine[];
  linesDropped: number;
  attErrors: AttErrorFact[];
  securityRequests: (At & { flags: AuthReqFlags })[];
  pairings: PairingAttempt[];
  encryptions: EncryptionAttempt[];
  encrypted: boolean;
  /** First ATT PDU after connecting. */
  firstAtt?: At;
  /** Bonding keys distributed on this link (an LTK, by either side, with bonding set). */
  bonded: boolean;
  disconnect?: At & { reason: number; by?: Role | 'this host' | 'the peer' };
  /** Last SMP PDU on the link. */
  lastSmp?: At;
  /** LL_TERMINATE_IND / Disconnection with MIC failure, LL_REJECT_EXT_IND with an error (air). */
  llRejects: (At & { errorCode: number; rejected?: number })[];
}

/** A connection's facts as it begins: what names it, and every list and flag empty. */
export function newConnectionFacts(start: Pick<ConnectionFacts, 'number' | 'controller' | 'handle' | 'connected'> & Partial<Pick<ConnectionFacts, 'hostRole' | 'centralAddress' | 'peripheralAddress' | 'peerAddressType'>>): ConnectionFacts {
  return { ...start, identity: {}, lines: [], linesDropped: 0, attErrors: [], securityRequests: [], pairings: [], encryptions: [], encrypted: false, bonded: false, llRejects: [] };
}

export const MAX_LINES = 400;
export const MAX_ITEMS = 200;

export function push<T>(list: T[], item: T): void {
  if (list.length < MAX_ITEMS) list.push(item);
}
