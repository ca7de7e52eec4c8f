// The security story of each connection on one controller, told from HCI (btsnoop, PacketLogger, pcap):
// what was asked, which ATT errors came back, pairing (who, features, method, failure), encryption (which key,
// result), disconnection. Core v5.4 Vol 3 Part F 3.4.1.1 (ATT errors), Part H 2.3.5.1 (method), 3.5 (pairing),
// 3.6.7 (Security Request); Vol 4 Part E 7.7.8 (Encryption Change), 7.7.65.5 (LTK Request), 7.8.24-26.
import { addressKind, addressLine } from '../../stack/trace/address-line.js';
import { ATT_OP, attError, attOpcodeName } from '../../base/codes/att.js';
import { EVT, LE_EVT, OP, hciStatus } from '../../base/codes/hci.js';
import { SMP_CODE, authReqText, pairingMethod, smpReason } from '../../base/codes/smp.js';
import type { AttErrorFields } from '../../stack/trace/att-decode.js';
import type { LeConnectionCompleteFields } from '../../stack/trace/hci-events.js';
import type { LinkTracker } from '../../stack/trace/link-state.js';
import type { SmpPairingFields } from '../../stack/trace/smp-decode.js';
import type { TimelineEntry } from '../../stack/trace/timeline.js';
import { MAX_LINES, newConnectionFacts, push, type At, type ConnectionFacts, type PairingFeaturesSeen, type Role } from './facts.js';
import { hex } from '../../base/codes/code-table.js';

const other = (r: Role): Role => (r === 'central' ? 'peripheral' : 'central');

export function features(p: SmpPairingFields): PairingFeaturesSeen {
  return { ioCapability: p.ioCapability, ioCapabilityName: p.ioCapabilityName, oob: p.oob, authReq: p.authReq, flags: p.authReqFlags, maxKeySize: p.maxEncryptionKeySize, initiatorKeys: p.initiatorKeyDistribution, responderKeys: p.responderKeyDistribution };
}

export function featuresText(f: PairingFeaturesSeen): string {
  return `${f.ioCapabilityName}, ${authReqText(f.flags)}, OOB ${f.oob ? 'present' : 'absent'}, max key size ${f.maxKeySize}`;
}

export function line(c: ConnectionFacts, at: At, text: string): void {
  if (c.lines.length >= MAX_LINES) {
    c.linesDropped++;
    return;
  }
  c.lines.push({ frame: at.frame, unixMs: at.unixMs, text });
}

export class HciStory {
  private readonly open = new Map<number, ConnectionFacts>();

  constructor(
    private readonly controller: number,
    private readonly tracker: LinkTracker,
    private readonly connections: ConnectionFacts[],
  ) {}

  /** The role of whoever sent an entry: tx is this host. */
  private sender(c: ConnectionFacts, e: TimelineEntry): Role {
    const host = c.hostRole ?? 'central';
    return e.dir === 'tx' ? host : other(host);
  }

  observe(e: TimelineEntry, at: At): void {
    const f = e.fields;
    if (e.layer === 'hci-evt') return this.event(e, f, at);
    if (e.layer === 'hci-cmd') return this.command(f, at);
    if (e.handle === undefined) return;
    const c = this.open.get(e.handle);
    if (!c) return;
    if (e.layer === 'att') this.att(c, e, f, at);
    else if (e.layer === 'smp') this.smp(c, e, f, at);
  }

  private event(e: TimelineEntry, f: Record<string, unknown>, at: At): void {
    const code = e.raw[1];
    if (code === EVT.LE_META) {
      if ((f.subevent === LE_EVT.CONNECTION_COMPLETE || f.subevent === LE_EVT.ENHANCED_CONNECTION_COMPLETE) && f.status === 0) {
        const cc = f as unknown as LeConnectionCompleteFields;
        const link = this.tracker.link(cc.handle);
        const hostRole: Role = cc.role === 1 ? 'peripheral' : 'central';
        const local = link?.localAddress;
        const peer = `${cc.peerAddress} (${cc.peerAddressTypeName})`;
        const c = newConnectionFacts({
          number: this.connections.length + 1,
          controller: this.controller,
          handle: cc.handle,
          connected: at,
          hostRole,
          ...(hostRole === 'central' ? { peripheralAddress: peer, ...(local ? { centralAddress: local } : {}) } : { centralAddress: peer, ...(local ? { peripheralAddress: local } : {}) }),
          peerAddressType: cc.peerAddressType,
        });
        this.connections.push(c);
        this.open.set(cc.handle, c);
        line(c, at, `connected: this capture's host is the ${hostRole}; the ${other(hostRole)} is ${peer}`);
      } else if (f.subevent === LE_EVT.LONG_TERM_KEY_REQUEST) {
        const c = this.open.get(f.handle as number);
        if (!c) return;
        const ediv = f.encryptedDiversifier as number;
        const rand = f.randomNumber as string;
        const afterPairing = c.pairings.length > 0 && !c.pairings.at(-1)!.failed && !c.pairings.at(-1)!.encrypted;
        push(c.encryptions, { start: at, via: 'LTK Request', ediv, rand, afterPairing });
        line(c, at, `the central started encryption; the controller asks this host for the key (EDIV ${hex(ediv, 4)}, Rand ${rand}${ediv === 0 && /^0+$/.test(rand) ? ': zero, an LE Secure Connections key or a legacy STK' : ''})`);
      }
      return;
    }
    if (code === EVT.ENCRYPTION_CHANGE || code === EVT.ENCRYPTION_CHANGE_V2 || code === EVT.ENCRYPTION_KEY_REFRESH_COMPLETE) {
      const c = this.open.get(f.handle as number);
      if (!c) return;
      const status = f.status as number;
      const enc = c.encryptions.at(-1);
      if (enc && !enc.result) enc.result = { ...at, status };
      const ok = status === 0 && (code === EVT.ENCRYPTION_KEY_REFRESH_COMPLETE || f.enabled === true);
      if (ok) {
        c.encrypted = true;
        const p = c.pairings.at(-1);
        if (p && !p.failed && !p.encrypted) {
          p.encrypted = at;
          // LE Secure Connections derives the LTK on both sides: bonded when both asked for bonding. Vol 3 Part H 2.3.5.6.
          if (p.request.features?.flags.bonding && p.response?.features?.flags.bonding) c.bonded = true;
        }
        const link = this.tracker.link(c.handle);
        line(c, at, `encryption on${link?.keySize ? ` (key size ${link.keySize})` : ''}${enc ? `, with ${enc.afterPairing ? 'the key this pairing made' : 'a stored key (bond)'}` : ''}`);
      } else if (status !== 0) {
        const s = hciStatus(status);
        line(c, at, `encryption failed: ${hex(status)} ${s.name} — ${s.meaning}`);
      } else {
        c.encrypted = false;
        line(c, at, 'encryption off');
      }
      return;
    }
    if (code === EVT.DISCONNECTION_COMPLETE && f.status === 0) {
      const c = this.open.get(f.handle as number);
      if (!c) return;
      const reason = f.reason as number;
      const link = this.tracker.links().find((l) => l.handle === c.handle && !l.connected);
      const by = link?.disconnectedBy === 'local' ? c.hostRole : c.hostRole ? other(c.hostRole) : undefined;
      c.disconnect = { ...at, reason, ...(by ? { by } : {}) };
      const s = hciStatus(reason);
      line(c, at, `disconnected${by ? ` by the ${by}` : ''}: ${hex(reason)} ${s.name} — ${s.meaning}`);
      this.open.delete(c.handle);
    }
  }

  private command(f: Record<string, unknown>, at: At): void {
    const c = typeof f.handle === 'number' ? this.open.get(f.handle) : undefined;
    if (!c) return;
    switch (f.opcode) {
      case OP.LE_ENABLE_ENCRYPTION: {
        const ediv = f.encryptedDiversifier as number;
        const rand = f.randomNumber as string;
        const p = c.pairings.at(-1);
        const afterPairing = !!p && !p.failed && !p.encrypted;
        push(c.encryptions, { start: at, via: 'LE Enable Encryption', ediv, rand, afterPairing });
        line(c, at, `this host (central) starts encryption with ${afterPairing ? 'the key the pairing just made' : `a stored key (EDIV ${hex(ediv, 4)}, Rand ${rand})`}`);
        return;
      }
      case OP.LE_LONG_TERM_KEY_REQUEST_REPLY:
      case OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY: {
        const found = f.opcode === OP.LE_LONG_TERM_KEY_REQUEST_REPLY;
        const enc = c.encryptions.at(-1);
        if (enc && !enc.reply) enc.reply = { ...at, found };
        line(c, at, found ? 'this host (peripheral) has the key and gives it to the controller' : 'this host (peripheral) has no key for this central: LTK Request Negative Reply');
        return;
      }
      case OP.DISCONNECT: {
        const s = hciStatus(f.reason as number);
        line(c, at, `this host (${c.hostRole}) disconnects: ${hex(f.reason as number)} ${s.name}`);
        return;
      }
      default:
    }
  }

  private att(c: ConnectionFacts, e: TimelineEntry, f: Record<string, unknown>, at: At): void {
    c.firstAtt ??= at;
    if (f.opcode !== ATT_OP.ERROR_RSP) return;
    const a = f as unknown as AttErrorFields;
    const by = this.sender(c, e);
    push(c.attErrors, { ...at, code: a.errorCode, requestOpcode: a.requestOpcode, attributeHandle: a.attributeHandle, encrypted: c.encrypted, by });
    const err = attError(a.errorCode);
    line(c, at, `the ${other(by)} sent ${attOpcodeName(a.requestOpcode)} for handle ${hex(a.attributeHandle, 4)}; the ${by} answered ATT ${hex(a.errorCode)} ${err.name} — ${err.meaning} (Vol 3 Part F 3.4.1.1)${c.encrypted ? ', on an encrypted link' : ''}`);
  }

  private smp(c: ConnectionFacts, e: TimelineEntry, f: Record<string, unknown>, at: At): void {
    const by = this.sender(c, e);
    c.lastSmp = at;
    const p = c.pairings.at(-1);
    if (p && !p.encrypted && !p.failed) p.last = at;
    switch (f.code) {
      case SMP_CODE.SECURITY_REQUEST: {
        const flags = (f as { authReqFlags: import('../../base/codes/smp.js').AuthReqFlags }).authReqFlags;
        push(c.securityRequests, { ...at, flags });
        line(c, at, `the ${by} sent a Security Request (${authReqText(flags)}): it asks the central to encrypt or pair (Vol 3 Part H 3.6.7)`);
        return;
      }
      case SMP_CODE.PAIRING_REQUEST: {
        const req = f as unknown as SmpPairingFields;
        push(c.pairings, { request: { ...at, by, features: features(req) }, last: at, keys: [] });
        line(c, at, `the ${by} starts pairing: Pairing Request (${featuresText(features(req))})`);
        return;
      }
      case SMP_CODE.PAIRING_RESPONSE: {
        if (!p) return;
        const rsp = f as unknown as SmpPairingFields;
        p.response = { ...at, features: features(rsp) };
        const req = p.request.features;
        let method = '';
        if (req) {
          p.secureConnections = req.flags.secureConnections && rsp.authReqFlags.secureConnections;
          p.method = pairingMethod({ ioCapability: req.ioCapability, oobDataFlag: req.oob ? 1 : 0, authReq: req.authReq }, rsp);
          method = `; the method by the spec's tables (Vol 3 Part H 2.3.5.1): ${p.method}, ${p.secureConnections ? 'LE Secure Connections' : 'LE legacy pairing'}, key size ${Math.min(req.maxKeySize, rsp.maxEncryptionKeySize)}`;
        }
        line(c, at, `the ${by} answers: Pairing Response (${featuresText(features(rsp))})${method}`);
        return;
      }
      case SMP_CODE.PAIRING_FAILED: {
        const reason = f.reason as number;
        if (p && !p.failed && !p.encrypted) p.failed = { ...at, reason, by };
        else push(c.pairings, { request: { ...at, by: other(by) }, last: at, failed: { ...at, reason, by }, keys: [] }); // the request did not decode (or came before the capture)
        const r = smpReason(reason);
        line(c, at, `the ${by} ends pairing: Pairing Failed ${hex(reason)} ${r.name} — ${r.meaning} (Vol 3 Part H 3.5.5)`);
        return;
      }
      case SMP_CODE.ENCRYPTION_INFORMATION:
      case SMP_CODE.IDENTITY_INFORMATION:
      case SMP_CODE.IDENTITY_ADDRESS_INFORMATION:
      case SMP_CODE.SIGNING_INFORMATION:
      case SMP_CODE.CENTRAL_IDENTIFICATION: {
        const kind = { [SMP_CODE.ENCRYPTION_INFORMATION]: 'LTK', [SMP_CODE.CENTRAL_IDENTIFICATION]: 'EDIV/Rand', [SMP_CODE.IDENTITY_INFORMATION]: 'IRK', [SMP_CODE.IDENTITY_ADDRESS_INFORMATION]: 'identity address', [SMP_CODE.SIGNING_INFORMATION]: 'CSRK' }[f.code as number]!;
        if (p) p.keys.push({ kind, by });
        if (kind === 'identity address') c.identity[by] = `${String(f.address)} (${String(f.addressTypeName)})`;
        const bonding = !!p?.request.features?.flags.bonding && !!p.response?.features?.flags.bonding;
        if ((kind === 'LTK' || kind === 'IRK') && bonding) c.bonded = true;
        line(c, at, `the ${by} hands over its ${kind}${kind === 'identity address' ? ` ${String(f.address)}${behindRpa(by === 'central' ? c.centralAddress : c.peripheralAddress, f)}` : ''}`);
        return;
      }
      default:
    }
  }

  /** Links still open when the capture ends. */
  stillOpen(): ConnectionFacts[] {
    return [...this.open.values()];
  }
}

/**
 * When the side handing over its identity was on the air from an RPA: both in one line, ": RPA … →
 * identity … (public)" (address-line.ts); nothing otherwise. `onAir` is "AA:BB:… (type name)".
 */
function behindRpa(onAir: string | undefined, f: Record<string, unknown>): string {
  const address = onAir?.split(' ')[0];
  if (!address || !/random/i.test(onAir!) || addressKind({ address, type: 'random' }) !== 'RPA') return '';
  return `: ${addressLine({ address, type: 'random' }, { address: String(f.address), type: f.addressType === 1 ? 'random' : 'public' })}`;
}
