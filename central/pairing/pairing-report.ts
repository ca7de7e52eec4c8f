// What a pairing did, read from the tap (design.md: the testbench tells what really went over the
// air): who started it, each side's IO capability, AuthReq and key distribution, the method, the
// result and the key size. Core v5.4 Vol 3 Part H 3.5.1-3.5.2 (features), 2.3.5.1 (method), 3.6 (keys).
import { addressLine, localAddressLine, peerAddressLine, type AddressOf } from '../../common/stack/trace/address-line.js';
import { authReqText, keyDistributionText, SMP_CODE, smpCodeName, type PairingMethod } from '../../common/base/codes/smp.js';
import { fromWire } from '../../common/stack/smp/byte-order.js';
import { DEBUG_KEY_WARNING } from '../../common/stack/smp/key-security.js';
import { isDebugPublicKey } from '../../common/stack/smp/p256.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { LinkState, PairingState, LocalOrRemote } from '../../common/stack/trace/link-state.js';
import type { SmpPairingFields } from '../../common/stack/trace/smp-decode.js';
import { AttError, HciError, SmpPairingFailed, type CentralError, type PairingSide } from '../errors.js';
import { formatAddress } from '../../common/base/output/format.js';

export interface PairingFeaturesReport {
  sentBy: PairingSide;
  ioCapability: string;
  oob: boolean;
  authReq: string;
  bonding: boolean;
  mitm: boolean;
  secureConnections: boolean;
  maxKeySize: number;
  initiatorKeys: string;
  responderKeys: string;
}

export interface PairingReport {
  /** Why it started: "upfront", "explicit", or the error that triggered it under on-error. */
  trigger: string;
  startedBy: PairingSide;
  /** Feature exchange: the Pairing Request and the Pairing Response. */
  request?: PairingFeaturesReport;
  response?: PairingFeaturesReport;
  method?: PairingMethod;
  secureConnections?: boolean;
  result: 'encrypted' | 'failed';
  /** Why it failed: SMP Pairing Failed, an HCI status, or a timeout. */
  error?: CentralError;
  keySize?: number;
  keysDistributed: { kind: string; sentBy: PairingSide }[];
  /** Things seen on the air worth saying (a peer's quirk, noble's). */
  notes: string[];
  /** Who sent the spec's debug public key (Vol 3 Part H 2.3.5.6.1): the key this pairing made is a debug key, not secure. */
  debugKey?: DebugKeyUse;
  /**
   * Each side's address on the air on this link and its identity address where known (they differ when
   * a side uses a resolvable private address: Vol 6 Part B 1.3.2; the identity from Identity Address
   * Information, Vol 3 Part H 3.6.5, or resolved with a stored IRK).
   */
  addresses: { local: AddressPair; peer: AddressPair };
}

export interface AddressPair {
  onAir: string;
  identity?: string;
  /** Both in one line: "RPA 5A:… → identity C0:… (public)" (common/stack/trace/address-line.ts). */
  line: string;
}

export interface DebugKeyUse {
  sentBy: PairingSide[];
}

export const sideName = (s: LocalOrRemote, role: LinkState['role']): PairingSide =>
  (s === 'local') === (role === 'central') ? 'central' : 'peripheral';

function features(f: SmpPairingFields, sentBy: PairingSide): PairingFeaturesReport {
  return {
    sentBy,
    ioCapability: f.ioCapabilityName,
    oob: f.oob,
    authReq: authReqText(f.authReqFlags),
    bonding: f.authReqFlags.bonding,
    mitm: f.authReqFlags.mitm,
    secureConnections: f.authReqFlags.secureConnections,
    maxKeySize: f.maxEncryptionKeySize,
    initiatorKeys: keyDistributionText(f.initiatorKeys),
    responderKeys: keyDistributionText(f.responderKeys),
  };
}

/**
 * Who sent the spec's debug P-256 public key in these entries (one link's pairing), from the Pairing
 * Public Key PDUs themselves (Vol 3 Part H 3.5.6; 2.3.5.6.1 for the debug key).
 */
export function debugKeyUse(entries: readonly TimelineEntry[], role: LinkState['role']): DebugKeyUse | undefined {
  const sentBy = new Set<PairingSide>();
  for (const e of entries) {
    if (e.layer !== 'smp' || e.name !== PUBLIC_KEY_ENTRY) continue;
    const f = e.fields as { publicKeyX?: string; publicKeyY?: string };
    if (!f.publicKeyX || !f.publicKeyY) continue;
    if (isDebugPublicKey(fromWire(Buffer.from(f.publicKeyX, 'hex')), fromWire(Buffer.from(f.publicKeyY, 'hex')))) sentBy.add(sideName(e.dir === 'tx' ? 'local' : 'remote', role));
  }
  return sentBy.size ? { sentBy: [...sentBy] } : undefined;
}

const PUBLIC_KEY_ENTRY = `SMP ${smpCodeName(SMP_CODE.PAIRING_PUBLIC_KEY)}`;

/** "debug key: not secure: the peripheral sent the spec's debug public key …" */
export function debugKeyText(d: DebugKeyUse): string {
  return `${DEBUG_KEY_WARNING}: the ${d.sentBy.join(' and the ')} sent the spec's debug P-256 public key (Vol 3 Part H 2.3.5.6.1); anyone with a capture can compute this link's key`;
}

const addressText = (a: { address: string; type: string }) => `${formatAddress(a.address)} (${a.type})`;
const asAddress = (a: { address: string; type: string }): AddressOf => ({ address: a.address, type: a.type === 'random' ? 'random' : 'public' });

export function pairingReport(
  link: LinkState,
  trigger: string,
  outcome: { error?: CentralError; notes?: string[]; debugKey?: DebugKeyUse; identities?: { local?: { address: string; type: string }; peer?: { address: string; type: string } } },
): PairingReport {
  const onAirLocal = link.localAddress ? `${formatAddress(link.localAddress)} (${link.localAddressType ?? 'public'})` : 'unknown';
  const onAirPeer = `${formatAddress(link.peerAddress)} (${(link.peerAddressType & 1) === 1 ? 'random' : 'public'})`;
  const pairOf = (onAir: string, id: { address: string; type: string } | undefined, line: string): AddressPair => (id && addressText(id) !== onAir ? { onAir, identity: addressText(id), line } : { onAir, line });
  const peerId = outcome.identities?.peer ?? link.peerIdentity;
  const peerType = (link.peerAddressType & 1) === 1 ? 'random' : 'public';
  const peerLine = link.peerRpa || !peerId ? peerAddressLine(link) : addressLine({ address: link.peerAddress, type: peerType }, asAddress(peerId));
  const localId = outcome.identities?.local;
  const p: PairingState | undefined = link.pairing;
  const side = (s: LocalOrRemote) => sideName(s, link.role);
  const initiator = p ? side(p.initiator) : 'central';
  const responder: PairingSide = initiator === 'central' ? 'peripheral' : 'central';
  const report: PairingReport = {
    trigger,
    startedBy: initiator,
    result: outcome.error ? 'failed' : 'encrypted',
    keysDistributed: (p?.keys ?? []).map((k) => ({ kind: k.kind, sentBy: side(k.sentBy) })),
    notes: [...(outcome.notes ?? [])],
    addresses: { local: pairOf(onAirLocal, localId, localAddressLine(link, localId && asAddress(localId))), peer: pairOf(onAirPeer, outcome.identities?.peer, peerLine) },
  };
  if (p?.request) report.request = features(p.request, initiator);
  if (p?.response) report.response = features(p.response, responder);
  if (p?.method) report.method = p.method;
  if (p?.secureConnections !== undefined) report.secureConnections = p.secureConnections;
  const keySize = link.keySize ?? p?.keySize;
  if (keySize !== undefined && !outcome.error) report.keySize = keySize;
  if (outcome.error) report.error = outcome.error;
  if (outcome.debugKey) report.debugKey = outcome.debugKey;
  return report;
}

/** The report in lines for people. */
export function formatPairingReport(r: PairingReport): string[] {
  const f = (x: PairingFeaturesReport) =>
    `${x.sentBy}: ${x.ioCapability}, ${x.authReq}, OOB ${x.oob ? 'present' : 'absent'}, max key ${x.maxKeySize}, initiator keys ${x.initiatorKeys}, responder keys ${x.responderKeys}`;
  const lines = [`pairing (${r.trigger}), started by the ${r.startedBy}`];
  // One line per side where privacy shows: the address on the air, and the identity behind it.
  const { local, peer } = r.addresses;
  if (local.identity || peer.identity || /RPA/.test(local.line + peer.line)) lines.push(`  the peripheral: ${peer.line}`, `  this central: ${local.line}`);
  if (r.request) lines.push(`  Pairing Request  ${f(r.request)}`);
  if (r.response) lines.push(`  Pairing Response ${f(r.response)}`);
  if (r.method) lines.push(`  method: ${r.secureConnections ? 'LE Secure Connections' : 'LE legacy'} ${r.method}${r.debugKey ? ` (${DEBUG_KEY_WARNING})` : ''}`);
  if (r.debugKey) lines.push(`  ${debugKeyText(r.debugKey)}`);
  lines.push(r.result === 'encrypted' ? `  result: encrypted, key size ${r.keySize ?? '?'} octets` : `  result: failed: ${r.error?.message ?? 'unknown'}`);
  if (r.keysDistributed.length) lines.push(`  keys: ${r.keysDistributed.map((k) => `${k.kind} from the ${k.sentBy}`).join(', ')}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines;
}

/** Plain data for --json (the error as code, name, meaning). */
export function pairingReportJson(r: PairingReport): Record<string, unknown> {
  const { error, ...rest } = r;
  return error ? { ...rest, error: errorJson(error) } : rest;
}

export function errorJson(e: CentralError): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: e.kind, label: e.label, message: e.message };
  // `code` in the JSON is the protocol's number (the ATT Error Code, the SMP reason, the HCI status).
  const number = e instanceof AttError ? e.attCode : e instanceof SmpPairingFailed ? e.reason : e instanceof HciError ? e.status : undefined;
  if (number !== undefined) o.code = number;
  for (const k of ['name', 'meaning', 'who', 'context', 'note'] as const) {
    const v = (e as unknown as Record<string, unknown>)[k];
    if (v !== undefined) o[k] = v;
  }
  return o;
}
