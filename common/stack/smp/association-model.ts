// Which association model a pairing uses, who shows and who types the passkey, and whether the key
// comes out authenticated. Core v5.4 Vol 3 Part H 2.3.5.1 (tables 2.6, 2.7 and 2.8); the model itself
// is pairingMethod() in common/base/codes/smp.ts.
import { IO_CAPABILITY, pairingMethod, type PairingMethod } from '../../base/codes/smp.js';

export interface PairingSideFeatures {
  ioCapability: number;
  oobDataFlag: number;
  authReq: number;
}

/** Passkey Entry: what each side does. Table 2.8 ("initiator displays, responder inputs", "both input"). */
export interface PasskeyRoles {
  initiator: 'display' | 'input';
  responder: 'display' | 'input';
}

export interface AssociationModel {
  method: PairingMethod;
  /** Only Just Works gives an unauthenticated key. Vol 3 Part H 2.3.5.1. */
  authenticated: boolean;
  passkeyRoles?: PasskeyRoles;
}

export function associationModel(initiator: PairingSideFeatures, responder: PairingSideFeatures): AssociationModel {
  const method = pairingMethod(initiator, responder);
  const model: AssociationModel = { method, authenticated: method !== 'Just Works' };
  if (method === 'Passkey Entry') model.passkeyRoles = passkeyRoles(initiator.ioCapability, responder.ioCapability);
  return model;
}

/**
 * Table 2.8, Passkey Entry cells: KeyboardOnly facing KeyboardOnly → both input; a KeyboardOnly side inputs
 * while the other displays; otherwise a DisplayOnly/DisplayYesNo side displays and the other inputs; with
 * KeyboardDisplay on both sides (legacy) the initiator displays and the responder inputs.
 */
export function passkeyRoles(initiatorIo: number, responderIo: number): PasskeyRoles {
  const { KEYBOARD_ONLY: KO, DISPLAY_ONLY: DO, DISPLAY_YES_NO: DYN } = IO_CAPABILITY;
  if (initiatorIo === KO && responderIo === KO) return { initiator: 'input', responder: 'input' };
  if (initiatorIo === KO) return { initiator: 'input', responder: 'display' };
  if (responderIo === KO) return { initiator: 'display', responder: 'input' };
  const displays = (c: number) => c === DO || c === DYN;
  if (displays(responderIo)) return { initiator: 'input', responder: 'display' };
  return { initiator: 'display', responder: 'input' };
}
