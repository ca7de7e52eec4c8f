// What the pairing engine shares with the modules that run one phase each (legacy or Secure
// Connections authentication, key distribution). Core v5.4 Vol 3 Part H 2.1 (the three phases).
import type { PairingFeatures, SmpPdu } from './pdu.js';
import type { AssociationModel } from './association-model.js';
import type { PairingConfig } from './pairing-config.js';
import type { DeviceAddress, PairingEvent, PairingPrompt, PairingRole } from './engine-types.js';

/** The outcome of phase 1, the Pairing Feature Exchange. Vol 3 Part H 2.3. */
export interface Negotiated {
  /** The Pairing Request and Response PDUs as sent (c1 hashes them). */
  preq: Buffer;
  pres: Buffer;
  request: PairingFeatures;
  response: PairingFeatures;
  secureConnections: boolean;
  model: AssociationModel;
  /** Octets, 7..16. */
  keySize: number;
  /** Both set the Bonding flag. */
  bonding: boolean;
  /** Both set the Keypress flag. */
  keypress: boolean;
  initiatorKeys: number;
  responderKeys: number;
}

export interface PhaseContext {
  readonly role: PairingRole;
  readonly config: PairingConfig;
  readonly negotiated: Negotiated;
  /** Addresses on this connection. */
  readonly initiator: DeviceAddress;
  readonly responder: DeviceAddress;
  random(octets: number): Buffer;
  send(pdu: SmpPdu): void;
  /** Send Pairing Failed with this reason and end the pairing. */
  fail(reason: number, why: string): void;
  prompt(prompt: PairingPrompt): void;
  event(event: PairingEvent): void;
  /** Phase 2 is over: encrypt the link with this key (STK or SC LTK, before masking). */
  authenticated(key: Buffer): void;
}

/** What an authentication phase answers to; false means the input was not expected now. */
export interface AuthenticationPhase {
  start(): void;
  onPdu(pdu: SmpPdu): boolean;
  onPasskey(passkey: number | null): boolean;
  onConfirm(accept: boolean): boolean;
}

/** A key shortened to `keySize` octets: the most significant octets are zero. Vol 3 Part H 2.3.4. */
export function maskKey(key: Buffer, keySize: number): Buffer {
  const out = Buffer.from(key);
  out.fill(0, 0, 16 - keySize);
  return out;
}
