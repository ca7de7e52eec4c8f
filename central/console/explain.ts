// Outcomes in words for the central console: every code with its spec name and what it means, and
// what to try next; the link's security; what the pairing policy did around an operation.
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { hex } from '../../common/base/codes/code-table.js';
import { peerAddressLine } from '../../common/stack/trace/address-line.js';
import { keySecurityText } from '../../common/stack/smp/key-security.js';
import type { CentralConnection, OperationRecord } from '../connection.js';
import { AttError, HciError, isCentralError, SmpPairingFailed } from '../errors.js';
import { isKeyMissing } from '../pairing/key-missing-policy.js';
import { debugKeyText, formatPairingReport } from '../pairing/pairing-report.js';

/** What a person can do about an ATT error, when there is something; `bonded`: this central keeps a key for the peer. */
function nextStep(e: AttError, policy: string, bonded = false): string | undefined {
  switch (e.attCode) {
    case ATT_ERROR.INSUFFICIENT_AUTHENTICATION:
    case ATT_ERROR.INSUFFICIENT_ENCRYPTION:
      if (policy === 'on-error') return 'pairing did not cure it: the link is already as secure as noble can make it (Just Works, no MITM)';
      // Vol 3 Part C 10.3.2: a client with a bond encrypts with its key before anything else.
      if (bonded) return `the pairing policy is "${policy}", so the central did not act: this central keeps a key for the peer, so choose "encrypt with the stored key" (no new pairing), or "pair now" to make a new one`;
      if (e.attCode === ATT_ERROR.INSUFFICIENT_ENCRYPTION) return `0x0F says the peripheral keeps a key for this central, which keeps none (it forgot the bond): choose "pair now"; a peripheral that refuses a bonded central's new pairing (--on-repairing refuse) must forget its bond first`;
      return `the pairing policy is "${policy}", so the central did not pair: choose "pair now", then try again`;
    case ATT_ERROR.INSUFFICIENT_AUTHORIZATION:
      return "the peripheral's application decides; pairing does not change it";
    case ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT:
      return 'the peripheral wants a longer key than this pairing made';
    default:
      return undefined;
  }
}

/** An operation's failure, in lines: the code, its name, its meaning, and what to try next. */
export function explainError(e: unknown, policy: string, bonded = false): string[] {
  if (!isCentralError(e)) return [`✗ ${(e as Error)?.message ?? String(e)}`];
  if (e instanceof AttError) {
    const lines = [`✗ ATT ${hex(e.attCode)} ${e.name}: ${e.meaning}`, `  (answer to the ${e.requestName} on handle ${hex(e.handle, 4)})`];
    const step = nextStep(e, policy, bonded);
    if (step) lines.push(`  what now: ${step}`);
    return lines;
  }
  if (e instanceof SmpPairingFailed) return [`✗ pairing failed: the ${e.who} sent Pairing Failed ${hex(e.reason)} ${e.name}: ${e.meaning}`, ...(e.note ? [`  note: ${e.note}`] : [])];
  if (e instanceof HciError && isKeyMissing(e)) {
    return [`✗ ${e.message}`, '  what now: the peripheral has no key for this bond (it was reset, or is another device); choose "pair now" to pair again (with --on-key-missing pair the kept key is forgotten and replaced), or forget the bond']; 
  }
  if (e instanceof HciError) return [`✗ ${e.message}`];
  return [`✗ ${e.message}`];
}

/** What the pairing policy did while the operation ran. */
export function explainRecord(r: OperationRecord): string[] {
  const lines: string[] = [];
  if (r.encryptedWithStoredKey) lines.push('  the central encrypted with the key kept from an earlier pairing (a bond), then re-sent the request');
  if (r.pairing) lines.push(...formatPairingReport(r.pairing).map((l) => `  ${l}`));
  if (r.keyMissing) lines.push(`  ${r.keyMissing}`);
  if (r.noPairing) lines.push(`  no pairing: ${r.noPairing}`);
  return lines;
}

/** The link's security now, as the tap sees it. */
export function describeSecurity(conn: CentralConnection): string[] {
  const l = conn.link;
  const s = conn.security();
  const lines = [
    `link ${hex(l.handle, 4)} to ${peerAddressLine(l)}${l.peerIdentity && !l.peerRpa ? ` (${l.peerIdentity.via === 'irk' ? 'resolved with its stored IRK' : 'distributed in pairing'})` : ''}: ${l.connected ? 'connected' : `down (${l.disconnectReasonName ?? 'reason unknown'})`}`,
    `  encrypted: ${l.encrypted ? `yes, key size ${l.keySize ?? '?'} octets` : 'no'}${l.encryptionStatus !== undefined && l.encryptionStatus !== 0 ? ` (last Encryption Change: ${hex(l.encryptionStatus)} ${l.encryptionStatusName ?? ''})` : ''}`,
    `  authenticated (MITM): ${s.authenticated ? 'yes' : 'no'}`,
  ];
  const p = l.pairing;
  if (p) {
    const how = `${p.secureConnections ? 'LE Secure Connections' : 'LE legacy'} ${p.method ?? '(method not agreed)'}`;
    lines.push(`  paired on this link: ${p.failed ? `failed, ${hex(p.failed.reason)} ${p.failed.reasonName} sent by the ${p.failed.sentBy === 'local' ? 'central' : 'peripheral'}` : how}`);
  } else lines.push('  paired on this link: no');
  const debug = conn.pairings.at(-1)?.debugKey;
  if (debug && l.encrypted) lines.push(`  ${debugKeyText(debug)}`);
  lines.push(`  bonded (a key kept from an earlier pairing with this peer): ${conn.bond ? `yes, ${keySecurityText(conn.bond.security)}` : 'no'}`);
  lines.push(`  pairing policy: ${conn.policy}; when the peer has no key for the bond: ${conn.onKeyMissing}`);
  return lines;
}
