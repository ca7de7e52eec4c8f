// The rules that find patterns in the facts of each connection: evidence in, findings out. Each finding names
// its pattern (patterns.ts), the frames that show it, and why. Only what the evidence shows: a clean capture
// gets none. Core v5.4 Vol 3 Part H 3.5.5 (Pairing Failed reasons), 3.4 (SMP timeout), 3.6.7 (Security Request);
// Vol 1 Part F 1.3 (0x06 PIN or Key Missing, 0x3D MIC failure).
import { ATT_ERROR, attError } from '../../base/codes/att.js';
import { HCI_STATUS, hciStatus } from '../../base/codes/hci.js';
import { SMP_REASON, SMP_TIMEOUT_MS, smpReason } from '../../base/codes/smp.js';
import type { At, ConnectionFacts, PairingAttempt } from './facts.js';
import { PATTERNS, type PatternId } from './patterns.js';
import { hex } from '../../base/codes/code-table.js';

/**
 * How much short of the 30 s SMP timeout a silence may be and still be the timeout: each side's timer
 * starts at its own last SMP PDU, which the other side's capture stamps up to a link's transit earlier
 * or later, and a host acts on its timer a moment after it fires.
 */
const SMP_TIMEOUT_SLACK_MS = 1_000;

export interface Evidence extends At {
  what: string;
}

export interface Finding {
  id: PatternId;
  /** The connection's number in the capture; undefined for the whole capture. */
  connection?: number;
  evidence: Evidence[];
  /** Why this capture shows the pattern, in words. */
  because: string;
}

export interface GlobalFacts {
  /** ACL records cut by the writer (included < original). */
  cutAcl: number;
  firstCut?: At;
  /** Time of the last record. */
  endMs: number;
}

const SECURITY_ERRORS = new Set<number>([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_ENCRYPTION]);

class Findings {
  readonly list: Finding[] = [];
  add(id: PatternId, connection: number | undefined, because: string, ...evidence: Evidence[]): void {
    const f = this.list.find((x) => x.id === id && x.connection === connection);
    if (f) {
      for (const e of evidence) if (!f.evidence.some((x) => x.frame === e.frame)) f.evidence.push(e);
      return;
    }
    this.list.push({ id, ...(connection !== undefined ? { connection } : {}), evidence, because });
  }
}

function ev(at: At, what: string): Evidence {
  return { frame: at.frame, unixMs: at.unixMs, what };
}

/** A resolvable private address: random, the two most significant bits 0b01. Vol 6 Part B 1.3.2.2. */
export function isResolvablePrivate(address: string | undefined, type: number | undefined): boolean {
  if (!address || type !== 0x01) return false;
  const top = parseInt(address.slice(0, 2), 16);
  return (top & 0xc0) === 0x40;
}

function peerOf(c: ConnectionFacts): string | undefined {
  return c.hostRole === 'peripheral' ? c.centralAddress : c.peripheralAddress;
}

/** An earlier connection on the same controller with the same peer (address or identity) that bonded. */
function bondedBefore(c: ConnectionFacts, all: readonly ConnectionFacts[]): ConnectionFacts | undefined {
  const peerRole = c.hostRole === 'peripheral' ? 'central' : 'peripheral';
  const peer = peerOf(c);
  return all.find((b) => b.number < c.number && b.controller === c.controller && b.bonded && (peerOf(b) === peer || (b.identity[peerRole] !== undefined && b.identity[peerRole] === c.identity[peerRole])));
}

function pairingFailure(c: ConnectionFacts, p: PairingAttempt, out: Findings): void {
  const f = p.failed!;
  const r = smpReason(f.reason);
  const e = ev(f, `Pairing Failed ${hex(f.reason)} ${r.name}, sent by the ${f.by}`);
  const req = p.request.features;
  const rsp = p.response?.features;
  switch (f.reason) {
    case SMP_REASON.PASSKEY_ENTRY_FAILED:
    case SMP_REASON.CONFIRM_VALUE_FAILED:
    case SMP_REASON.DHKEY_CHECK_FAILED:
      out.add('passkey-or-confirm-failed', c.number, `the ${f.by} ended pairing with ${r.name}: ${r.meaning}`, e);
      return;
    case SMP_REASON.NUMERIC_COMPARISON_FAILED:
      out.add('numeric-comparison-rejected', c.number, `the ${f.by} ended pairing with ${r.name}: ${r.meaning}`, e);
      return;
    case SMP_REASON.ENCRYPTION_KEY_SIZE: {
      const sizes = req && rsp ? ` (the Pairing Request offers ${req.maxKeySize}, the Pairing Response ${rsp.maxKeySize})` : '';
      out.add('key-size-too-small', c.number, `the ${f.by} refused the key size${sizes}`, ev(p.request, 'Pairing Request'), e);
      return;
    }
    case SMP_REASON.REPEATED_ATTEMPTS:
      out.add('repeated-attempts', c.number, `the ${f.by} refused with Repeated Attempts: too little time since the last attempt`, e);
      return;
    case SMP_REASON.AUTHENTICATION_REQUIREMENTS:
      if (req && rsp && req.flags.secureConnections !== rsp.flags.secureConnections) {
        const sc = req.flags.secureConnections ? 'central' : 'peripheral';
        out.add('sc-only-vs-legacy', c.number, `only the ${sc} sets the Secure Connections bit, and the ${f.by} refused with Authentication Requirements`, ev(p.request, 'Pairing Request'), ev(p.response!, 'Pairing Response'), e);
        return;
      }
      // Refused at once, before any Pairing Response, a request without the SC bit: the responder is in
      // Secure Connections Only mode (Vol 3 Part C 10.2.4), which cannot take the LE legacy pairing it offers.
      if (req && !rsp && !req.flags.secureConnections && f.by !== p.request.by) {
        out.add('sc-only-vs-legacy', c.number, `the ${p.request.by}'s Pairing Request has no Secure Connections bit and the ${f.by} refused it at once with Authentication Requirements, as a Secure Connections Only side does`, ev(p.request, 'Pairing Request'), e);
        return;
      }
      if (req && rsp && (req.flags.mitm || rsp.flags.mitm) && p.method === 'Just Works') {
        out.add('mitm-unreachable', c.number, `MITM was asked for but ${req.ioCapabilityName} and ${rsp.ioCapabilityName} select Just Works, and the ${f.by} refused with Authentication Requirements`, ev(p.request, 'Pairing Request'), ev(p.response!, 'Pairing Response'), e);
        return;
      }
      out.add('pairing-refused', c.number, `the ${f.by} refused with ${r.name}: ${r.meaning}`, e);
      return;
    default:
      out.add('pairing-refused', c.number, `the ${f.by} refused with ${r.name}: ${r.meaning}`, e);
  }
}

function connectionRules(c: ConnectionFacts, all: readonly ConnectionFacts[], g: GlobalFacts, out: Findings): void {
  const earlierBond = bondedBefore(c, all);
  const firstEncStart = c.encryptions[0]?.start.frame ?? Infinity;
  const firstPairing = c.pairings[0]?.request.frame ?? Infinity;

  for (const p of c.pairings) {
    if (p.failed) pairingFailure(c, p, out);
    else if (!p.encrypted) {
      const next = c.disconnect ?? { frame: -1, unixMs: g.endMs };
      if (next.unixMs - p.last.unixMs >= SMP_TIMEOUT_MS - SMP_TIMEOUT_SLACK_MS) {
        out.add('pairing-timeout', c.number, `pairing started and nothing followed its last SMP PDU for ${((next.unixMs - p.last.unixMs) / 1000).toFixed(1)} s (the SMP timeout is 30 s)`, ev(p.request, 'Pairing Request'), ev(p.last, 'last SMP PDU'), ...(c.disconnect ? [ev(c.disconnect, 'disconnection')] : []));
      }
    }
    // MITM asked, Just Works selected, pairing went on: the key is unauthenticated.
    const req = p.request.features;
    const rsp = p.response?.features;
    if (!p.failed && p.encrypted && req && rsp && (req.flags.mitm || rsp.flags.mitm) && p.method === 'Just Works') {
      const later = c.attErrors.find((a) => a.frame > p.encrypted!.frame && a.code === ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
      if (later) out.add('mitm-unreachable', c.number, `MITM was asked for but ${req.ioCapabilityName} and ${rsp.ioCapabilityName} select Just Works; the key is unauthenticated and 0x05 came back`, ev(p.request, 'Pairing Request'), ev(p.response!, 'Pairing Response'), ev(later, 'ATT 0x05 after pairing'));
    }
  }

  for (const a of c.attErrors) {
    const name = `ATT ${hex(a.code)} ${attError(a.code).name}`;
    if (a.encrypted && SECURITY_ERRORS.has(a.code)) {
      out.add('security-too-low-after-pairing', c.number, `the link was encrypted and the ${a.by} still answered ${name}: the key is not strong enough for this attribute`, ev(a, name));
    } else if (a.code === ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT) {
      out.add('key-size-too-small', c.number, `the ${a.by} answered ${name}`, ev(a, name));
    } else if (!a.encrypted && SECURITY_ERRORS.has(a.code)) {
      const answered = c.pairings.some((p) => p.request.frame > a.frame) || c.encryptions.some((x) => x.start.frame > a.frame);
      if (earlierBond && !answered && a.frame < firstEncStart && a.frame < firstPairing) {
        out.add('encryption-not-restored-on-reconnect', c.number, `this peer bonded on connection ${earlierBond.number}, and on this connection nobody encrypted the link, before or after ${name}`, ev(earlierBond.connected, `connection ${earlierBond.number} (bonded)`), ev(a, name));
      } else if (!answered && !c.pairings.some((p) => p.request.frame < a.frame)) {
        // After a failed pairing the error is its consequence, told by that pairing's finding.
        out.add('no-pairing-after-security-error', c.number, `the ${a.by} answered ${name} and no pairing or encryption followed on this connection`, ev(a, name));
      }
    }
  }

  for (const x of c.encryptions) {
    const status = x.result?.status;
    if (x.reply && !x.reply.found) {
      const peer = c.centralAddress?.split(' ')[0];
      const rpa = isResolvablePrivate(peer, c.peerAddressType);
      const irkBefore = all.find((b) => b.number < c.number && b.controller === c.controller && b.pairings.some((p) => p.keys.some((k) => k.kind === 'IRK' && k.by === 'central')));
      // From the very address it bonded from, the central needed no resolving: the peripheral lost its key.
      if (rpa && irkBefore && peerOf(irkBefore)?.split(' ')[0] !== peer) {
        out.add('rpa-not-resolved', c.number, `the central connected from the resolvable private address ${peer}; it handed over its IRK on connection ${irkBefore.number}, yet this host found no key`, ev(irkBefore.connected, `connection ${irkBefore.number}: IRK received`), ev(x.start, 'LTK Request'), ev(x.reply, 'LTK Request Negative Reply'));
      } else {
        out.add('peripheral-lost-bond', c.number, `the central asked to encrypt with a stored key (EDIV ${hex(x.ediv, 4)}) and this peripheral has no key for it${rpa ? ' (the central uses a private address: an unresolved address looks the same)' : ''}`, ev(x.start, 'LTK Request'), ev(x.reply, 'LTK Request Negative Reply'), ...(x.result ? [ev(x.result, `Encryption Change ${hex(x.result.status)}`)] : []));
      }
      continue;
    }
    if (status === HCI_STATUS.PIN_OR_KEY_MISSING && x.via !== 'LL_ENC_REQ') {
      // (On the air the peripheral's LL_REJECT_EXT_IND 0x06 says it has no key: the llRejects rule below.)
      if (x.reply?.found) {
        out.add('key-mismatch', c.number, 'the peripheral had a key for this central, but encryption failed with PIN or Key Missing: the two keys differ', ev(x.start, x.via), ...(x.reply ? [ev(x.reply, 'LTK Request Reply')] : []), ev(x.result!, `Encryption Change ${hex(status)}`));
      } else if (!x.afterPairing) {
        out.add('peripheral-lost-bond', c.number, 'this central encrypted with a stored key and the peripheral answered PIN or Key Missing: it has no key for this central (or a different one)', ev(x.start, 'LE Enable Encryption'), ev(x.result!, `Encryption Change ${hex(status)} ${hciStatus(status).name}`));
      }
    } else if (status === HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE) {
      out.add('key-mismatch', c.number, 'encryption failed with a MIC failure: the two sides used different keys', ev(x.start, x.via), ev(x.result!, `Encryption Change ${hex(status)}`));
    }
  }
  if (c.disconnect?.reason === HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE) {
    out.add('key-mismatch', c.number, 'the link ended with a MIC failure: the two sides encrypt with different keys', ev(c.disconnect, 'disconnection 0x3D'));
  }
  for (const r of c.llRejects) {
    if (r.errorCode === HCI_STATUS.PIN_OR_KEY_MISSING) out.add('peripheral-lost-bond', c.number, 'the peripheral rejected LL_ENC_REQ with PIN or Key Missing: it has no key for this central', ev(r, 'LL reject 0x06'));
  }

  if (earlierBond && c.pairings.length && c.pairings[0]!.request.by === 'central' && firstPairing < firstEncStart) {
    out.add('central-lost-bond', c.number, `this central bonded with the peripheral on connection ${earlierBond.number}, and now pairs from scratch instead of encrypting with that bond`, ev(earlierBond.connected, `connection ${earlierBond.number} (bonded)`), ev(c.pairings[0]!.request, 'Pairing Request'));
  }

  for (const s of c.securityRequests) {
    const answered = c.pairings.some((p) => p.request.frame > s.frame) || c.encryptions.some((x) => x.start.frame > s.frame) || c.pairings.some((p) => p.failed && p.failed.frame > s.frame);
    if (!answered) {
      const end = c.disconnect ? ev(c.disconnect, 'disconnection') : undefined;
      out.add('security-request-ignored', c.number, 'the peripheral sent a Security Request; the central neither encrypted, paired nor answered Pairing Failed', ev(s, 'Security Request'), ...(end ? [end] : []));
    }
  }
}

/** Findings over every connection, then over the capture as a whole. */
export function findPatterns(connections: readonly ConnectionFacts[], g: GlobalFacts): Finding[] {
  const out = new Findings();
  for (const c of connections) connectionRules(c, connections, g, out);
  // Three or more failed pairings with one peer: repeated attempts, whatever the reasons.
  const failedByPeer = new Map<string, Evidence[]>();
  for (const c of connections) {
    for (const p of c.pairings) {
      if (!p.failed) continue;
      const key = `${c.controller}/${peerOf(c) ?? '?'}`;
      const list = failedByPeer.get(key) ?? [];
      list.push(ev(p.failed, `connection ${c.number}: Pairing Failed ${hex(p.failed.reason)}`));
      failedByPeer.set(key, list);
    }
  }
  for (const list of failedByPeer.values()) {
    if (list.length >= 3) out.add('repeated-attempts', undefined, `${list.length} pairings with the same peer failed`, ...list);
  }
  if (g.cutAcl > 0 && g.firstCut) {
    out.add('filtered-capture', undefined, `${g.cutAcl} ACL packets were cut by the capture's writer (Android's filtered snoop keeps 14 octets): taken in filtered mode: ATT values and SMP contents are cut; enable the full HCI snoop log`, ev(g.firstCut, 'first cut ACL packet'));
  }
  return out.list;
}

export { PATTERNS };
