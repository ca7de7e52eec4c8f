// What goes into a pairing engine and what comes out. The engine does no I/O: its driver feeds it
// the peer's PDUs, the user's answers, timer expiries and the controller's encryption events, and
// carries out the actions it returns. Core v5.4 Vol 3 Part H 2.3 (pairing phases), 3.4 (timeout).
import type { PairingMethod } from '../../base/codes/smp.js';
import type { AddressType } from './byte-order.js';
import type { KeySecurity } from './key-security.js';

export type PairingRole = 'initiator' | 'responder';

/** A device address as used on this connection, or an identity address. */
export interface DeviceAddress {
  address: string; // 'AA:BB:CC:DD:EE:FF'
  type: AddressType;
}

/** An LTK with the EDIV and Rand that name it (LE legacy); SC keys have EDIV 0 and Rand 0. Vol 3 Part H 2.4.2. */
export interface LongTermKey {
  key: Buffer; // 16 octets MSB-first, already masked to keySize
  ediv: number;
  rand: Buffer; // 8 octets MSB-first
  keySize: number;
}

/** Keys one side handed over in the key distribution phase. Vol 3 Part H 3.6. */
export interface DistributedKeys {
  ltk?: LongTermKey;
  irk?: Buffer;
  identityAddress?: DeviceAddress;
  csrk?: Buffer;
}

export type SmpInput =
  /** One SMP PDU from the peer (the L2CAP payload on CID 0x0006). */
  | { type: 'pdu'; pdu: Buffer }
  /** Initiator: start pairing (Pairing Request); `mitm`: this one asks for MITM whatever the config says (Android's second retry). */
  | { type: 'pair'; mitm?: boolean }
  /** Initiator: encrypt with the stored key when there is one that fits, else pair. Vol 3 Part H 2.4.4.1. */
  | { type: 'secure' }
  /** Responder: ask the central to pair or encrypt (Security Request). Vol 3 Part H 2.4.6. */
  | { type: 'request-security' }
  /** The passkey the user typed; null: cancelled. */
  | { type: 'passkey'; passkey: number | null }
  /** The user's answer to Numeric Comparison. */
  | { type: 'confirm'; accept: boolean }
  /** The user pressed a key while typing the passkey (sent when both sides set Keypress). Vol 3 Part H 3.5.8. */
  | { type: 'keypress'; notification: number }
  /** The 30-second SMP timer expired. Vol 3 Part H 3.4. */
  | { type: 'timeout'; afterMs?: number }
  /** Encryption Change (or the failure of LE Enable Encryption): status 0 means encrypted. */
  | { type: 'encryption'; encrypted: boolean; status: number }
  /** Responder: the controller's LE Long Term Key Request. */
  | { type: 'ltk-request'; ediv: number; rand: Buffer };

/** Something to show or ask the user; answered with a 'passkey' or 'confirm' input where one is wanted. */
export type PairingPrompt =
  | { kind: 'display-passkey'; passkey: number }
  | { kind: 'enter-passkey' }
  | { kind: 'compare-numbers'; value: number };

export type PairingEvent =
  | { kind: 'method'; method: PairingMethod; secureConnections: boolean; keySize: number }
  | { kind: 'passkey'; passkey: number; how: 'displayed' | 'entered' }
  | { kind: 'numeric-comparison'; value: number; accepted: boolean }
  | { kind: 'keypress'; notification: number }
  /** The spec's debug P-256 key was used (Vol 3 Part H 2.3.5.6.1): by us, by the peer, or both. The LTK is not secret. */
  | { kind: 'debug-key'; by: 'local' | 'peer' | 'both' }
  | { kind: 'security-request'; authReq: number }
  | { kind: 'ignored'; why: string }
  | { kind: 'key-missing'; ediv: number; rand: Buffer }
  /** Responder: a central with a bond here sent a Pairing Request; the repairing policy's answer. */
  | { kind: 'repairing'; accepted: boolean; why: string };

export type PairingOutcome =
  | {
      result: 'paired';
      role: PairingRole;
      security: KeySecurity;
      /** Both sides set the Bonding flag: the keys are meant to be kept. */
      bonded: boolean;
      /** The key the link is encrypted with now: the STK (legacy) or the LTK (SC). */
      linkKey: Buffer;
      /** Keys for later: the central encrypts with `peerLtk` (legacy: the responder's), the peripheral answers with `localLtk`. */
      local: DistributedKeys;
      peer: DistributedKeys;
      /** The peer's identity address, else its address on this connection. */
      peerIdentity: DeviceAddress;
    }
  | { result: 'encrypted'; role: PairingRole; security: KeySecurity; with: 'stored-key' }
  | {
      result: 'failed';
      role: PairingRole;
      /** The Pairing Failed reason (Vol 3 Part H 3.5.5); 'timeout' (3.4) and 'encryption' send no Pairing Failed. */
      reason: number | 'timeout' | 'encryption';
      /** Who said so: 'local' sent the Pairing Failed (or timed out), 'peer' sent it. */
      by: 'local' | 'peer';
      why: string;
      /** HCI status of a failed encryption. */
      status?: number;
    };

export type SmpAction =
  | { type: 'send'; pdu: Buffer }
  /** Start (or restart) the 30-second SMP timer; run false stops it. Vol 3 Part H 3.4. */
  | { type: 'timer'; run: boolean }
  /** Central: LE Enable Encryption with this key, EDIV and Rand (all MSB-first here; toWire for HCI). */
  | { type: 'encrypt'; ltk: LongTermKey }
  /**
   * Peripheral: phase 2 is over and the central will encrypt with this key (EDIV 0, Rand 0). Where the
   * kernel answers LE Long Term Key Requests (hci:N), load it there now; elsewhere 'ltk-reply' follows.
   */
  | { type: 'ltk-ready'; ltk: LongTermKey }
  /** Peripheral: answer the LE Long Term Key Request (undefined: Negative Reply). */
  | { type: 'ltk-reply'; ltk: LongTermKey | undefined }
  | { type: 'prompt'; prompt: PairingPrompt }
  | { type: 'event'; event: PairingEvent }
  | { type: 'done'; outcome: PairingOutcome };

/** What a bond looks like to the engine: the keys kept from an earlier pairing with this peer. */
export interface EngineBond {
  security: KeySecurity;
  /** Used as central (legacy: the LTK the peer distributed; SC: the LTK). */
  peerLtk?: LongTermKey;
  /** Used as peripheral (legacy: the LTK we distributed; SC: the LTK). */
  localLtk?: LongTermKey;
}

/** What the engine needs that is not configuration: who is who, randomness, our keys. */
export interface EngineEnvironment {
  role: PairingRole;
  /** Addresses on this connection (c1, f5, f6 use them). */
  local: DeviceAddress;
  peer: DeviceAddress;
  /** Our identity address and IRK, distributed when IdKey is agreed. */
  identity?: { address: DeviceAddress; irk: Buffer };
  /** Our CSRK, distributed when SignKey is agreed (a random one otherwise). */
  csrk?: Buffer;
  /** The stored keys for this peer, if any. */
  bond?: EngineBond;
  /** Random octets (default: node:crypto randomBytes). */
  random?: (octets: number) => Buffer;
  /** Repeated-attempts gate (Vol 3 Part H 2.3.6); absent: no waiting interval. */
  attempts?: { allowed(peer: string): boolean; failed(peer: string): void; succeeded(peer: string): void };
}
