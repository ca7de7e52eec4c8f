// The central's link security as the tap's LinkState tells it, for `expect.security`.
// Authenticated: a pairing whose method gives MITM protection (not Just Works), Vol 3 Part H 2.3.5.1.
// Bonded: both sides asked for bonding (AuthReq Bonding_Flags) and a key was kept: an LTK distributed in
// legacy pairing (Part H 3.6.1), or Secure Connections (the LTK is derived); or the link was encrypted
// without pairing on it, which takes a stored key.
import type { LinkState } from '../../../stack/trace/link-state.js';
import type { LinkSecurity } from './types.js';

export function linkSecurity(link: LinkState | undefined): LinkSecurity | undefined {
  if (!link) return undefined;
  const p = link.pairing;
  const paired = p !== undefined && p.failed === undefined && p.response !== undefined;
  const bondingAsked = paired && p.request?.authReqFlags.bonding === true && p.response!.authReqFlags.bonding;
  const keyKept = paired && (p.secureConnections === true || p.keys.some((k) => k.kind === 'LTK'));
  const storedKey = link.encrypted && !paired;
  return {
    encrypted: link.encrypted,
    authenticated: link.encrypted && paired && p.method !== undefined && p.method !== 'Just Works',
    ...(link.encrypted && link.keySize !== undefined ? { keySize: link.keySize } : {}),
    bonded: (bondingAsked && keyKept) || storedKey,
  };
}
