// One side of one LE pairing as a pure state machine: inputs in (the peer's SMP PDUs, the user's
// answers, timer expiry, the controller's encryption events), actions out (PDUs to send, encryption
// to start, LTK replies, prompts, events, the outcome). No I/O, no clock, never throws.
// Core v5.4 Vol 3 Part H 2.3 (pairing), 2.4 (security in the LE physical transport), 3 (SMP).
import { SMP_CODE, SMP_REASON, SMP_TIMEOUT_MS, decodeAuthReq, smpCodeName, smpReason } from '../../base/codes/smp.js';
import { randomBytes } from 'node:crypto';
import type { DeviceAddress, EngineEnvironment, LongTermKey, PairingEvent, PairingOutcome, PairingPrompt, SmpAction, SmpInput } from './engine-types.js';
import { KeyDistributionPhase } from './key-distribution.js';
import type { KeySecurity } from './key-security.js';
import { LegacyAuthentication } from './legacy-pairing.js';
import { invalidFeatures, negotiate, pairingRequestFeatures, pairingResponseFeatures, authReqOf } from './pairing-features.js';
import type { PairingConfig } from './pairing-config.js';
import { encodeSmp, parseSmp, type PairingFeatures, type SmpPdu } from './pdu.js';
import { maskKey, type AuthenticationPhase, type Negotiated, type PhaseContext } from './phase-context.js';
import { ScAuthentication } from './sc-pairing.js';
import { repairingDecision } from './repairing-policy.js';
import { hex } from '../../base/codes/code-table.js';

/** The Security Manager Timer (common/base/codes/smp.ts), for this module's users. */
export { SMP_TIMEOUT_MS };

export type EngineState =
  | 'idle'
  | 'security-requested' // responder sent a Security Request
  | 'features' // initiator sent a Pairing Request
  | 'authenticating' // phase 2
  | 'encrypting' // phase 2 done, waiting for the link to be encrypted
  | 'distributing' // phase 3
  | 're-encrypting' // initiator: encrypting with a stored key
  | 'done'
  | 'failed'
  | 'timed-out';

const IN_PROGRESS: ReadonlySet<EngineState> = new Set(['security-requested', 'features', 'authenticating', 'encrypting', 'distributing', 're-encrypting']);
const ZERO_RAND = Buffer.alloc(8);

export class PairingEngine {
  private stateNow: EngineState = 'idle';
  private out: SmpAction[] = [];
  private phase: AuthenticationPhase | undefined;
  private distribution: KeyDistributionPhase | undefined;
  private negotiatedNow: Negotiated | undefined;
  private linkKey: LongTermKey | undefined;
  private held: SmpPdu[] = [];
  private answeredWithBond = false;
  /** The spec's debug P-256 key was used in this pairing (by either side). */
  private debugKey = false;
  private readonly random: (n: number) => Buffer;

  constructor(
    readonly config: PairingConfig,
    private readonly env: EngineEnvironment,
  ) {
    this.random = env.random ?? randomBytes;
  }

  get state(): EngineState {
    return this.stateNow;
  }
  get role() {
    return this.env.role;
  }
  get peer(): DeviceAddress {
    return this.env.peer;
  }
  get negotiated(): Negotiated | undefined {
    return this.negotiatedNow;
  }

  /** Feed one input; returns what to do, in order. Never throws: an internal error fails the pairing (0x08). */
  handle(input: SmpInput): SmpAction[] {
    this.out = [];
    try {
      this.dispatch(input);
    } catch (err) {
      if (IN_PROGRESS.has(this.stateNow)) this.fail(SMP_REASON.UNSPECIFIED_REASON, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      else this.event({ kind: 'ignored', why: `internal error: ${err instanceof Error ? err.message : String(err)}` });
    }
    return this.out;
  }

  private dispatch(input: SmpInput): void {
    if (this.stateNow === 'timed-out') {
      // No SMP command after a timeout, until a new link. Vol 3 Part H 3.4. The controller still gets an answer.
      if (input.type === 'ltk-request') this.out.push({ type: 'ltk-reply', ltk: undefined });
      return;
    }
    switch (input.type) {
      case 'pdu':
        return this.onPdu(input.pdu);
      case 'pair':
        return this.startPairing(input.mitm === true);
      case 'secure':
        return this.secure();
      case 'request-security':
        return this.requestSecurity();
      case 'passkey':
        if (!(this.stateNow === 'authenticating' && this.phase!.onPasskey(input.passkey))) this.event({ kind: 'ignored', why: 'a passkey nobody asked for' });
        return;
      case 'confirm':
        if (!(this.stateNow === 'authenticating' && this.phase!.onConfirm(input.accept))) this.event({ kind: 'ignored', why: 'a numeric comparison answer nobody asked for' });
        return;
      case 'keypress':
        return this.keypress(input.notification);
      case 'timeout':
        return this.timeout(input.afterMs ?? SMP_TIMEOUT_MS);
      case 'encryption':
        return this.onEncryption(input.encrypted, input.status);
      case 'ltk-request':
        return this.onLtkRequest(input.ediv, input.rand);
    }
  }

  // --- outputs ---------------------------------------------------------------------------------

  private send(pdu: SmpPdu): void {
    this.out.push({ type: 'send', pdu: encodeSmp(pdu) });
    this.out.push({ type: 'timer', run: true }); // reset when a command is queued. Vol 3 Part H 3.4.
  }

  private event(event: PairingEvent): void {
    this.out.push({ type: 'event', event });
  }

  private finish(outcome: PairingOutcome, state: EngineState): void {
    this.stateNow = state;
    this.phase = undefined;
    this.distribution = undefined;
    this.held = [];
    this.out.push({ type: 'timer', run: false });
    this.out.push({ type: 'done', outcome });
    if (outcome.result === 'failed' && outcome.reason !== 'encryption') this.env.attempts?.failed(this.env.peer.address);
    if (outcome.result === 'paired') this.env.attempts?.succeeded(this.env.peer.address);
  }

  /** Send Pairing Failed and end. Vol 3 Part H 3.5.5. */
  private fail(reason: number, why: string): void {
    this.out.push({ type: 'send', pdu: encodeSmp({ code: SMP_CODE.PAIRING_FAILED, reason }) });
    this.finish({ result: 'failed', role: this.env.role, reason, by: 'local', why }, 'failed');
  }

  // --- starting --------------------------------------------------------------------------------

  private get idle(): boolean {
    return !IN_PROGRESS.has(this.stateNow);
  }

  private startPairing(mitm = false): void {
    if (this.env.role !== 'initiator') return this.event({ kind: 'ignored', why: 'only the initiator (central) sends a Pairing Request' });
    if (!this.idle && this.stateNow !== 'security-requested') return this.event({ kind: 'ignored', why: 'pairing is already in progress' });
    if (!this.config.pairable) {
      return this.finish({ result: 'failed', role: 'initiator', reason: SMP_REASON.PAIRING_NOT_SUPPORTED, by: 'local', why: 'this side is not pairable' }, 'failed');
    }
    if (this.env.attempts && !this.env.attempts.allowed(this.env.peer.address)) {
      return this.finish({ result: 'failed', role: 'initiator', reason: SMP_REASON.REPEATED_ATTEMPTS, by: 'local', why: 'the waiting interval after a failed pairing with this peer has not passed' }, 'failed');
    }
    // Vol 3 Part H 3.5.1: the MITM flag asks for an authenticated key; the IO capabilities still choose the method (2.3.5.1).
    const features = pairingRequestFeatures(mitm && this.config.mitm === 'no' ? { ...this.config, mitm: 'requested' } : this.config);
    this.preq = encodeSmp({ code: SMP_CODE.PAIRING_REQUEST, ...features });
    this.request = features;
    this.stateNow = 'features';
    this.out.push({ type: 'send', pdu: this.preq });
    this.out.push({ type: 'timer', run: true });
  }
  private preq: Buffer | undefined;
  private request: PairingFeatures | undefined;

  /** Encrypt with the stored key if there is one, else pair. Vol 3 Part H 2.4.4.1. */
  private secure(): void {
    if (this.env.role !== 'initiator' || !this.idle) return this.event({ kind: 'ignored', why: 'only an idle initiator starts encryption' });
    const ltk = this.env.bond?.peerLtk;
    if (ltk) return this.reEncrypt(ltk);
    this.startPairing();
  }

  private reEncrypt(ltk: LongTermKey): void {
    this.stateNow = 're-encrypting';
    this.out.push({ type: 'encrypt', ltk });
  }

  private requestSecurity(): void {
    if (this.env.role !== 'responder' || !this.idle) return this.event({ kind: 'ignored', why: 'only an idle responder sends a Security Request' });
    this.stateNow = 'security-requested';
    this.send({ code: SMP_CODE.SECURITY_REQUEST, authReq: authReqOf(this.config) });
  }

  // --- PDUs ------------------------------------------------------------------------------------

  private onPdu(buf: Buffer): void {
    const parsed = parseSmp(buf);
    if (!parsed.ok) {
      if (buf[0] === SMP_CODE.PAIRING_FAILED) return this.peerFailed(buf[1] ?? SMP_REASON.UNSPECIFIED_REASON);
      return this.failOrRefuse(parsed.reason, parsed.why);
    }
    const pdu = parsed.pdu;
    switch (pdu.code) {
      case SMP_CODE.PAIRING_FAILED:
        return this.peerFailed(pdu.reason);
      case SMP_CODE.PAIRING_REQUEST:
        return this.onPairingRequest(buf, pdu);
      case SMP_CODE.PAIRING_RESPONSE:
        return this.onPairingResponse(buf, pdu);
      case SMP_CODE.SECURITY_REQUEST:
        return this.onSecurityRequest(pdu.authReq);
      case SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION:
        if (this.stateNow === 'authenticating' && this.negotiatedNow?.model.method === 'Passkey Entry') {
          this.event({ kind: 'keypress', notification: pdu.notification });
          return;
        }
        return this.unexpected(pdu.code);
    }
    if (this.stateNow === 'authenticating' && this.phase!.onPdu(pdu)) return;
    if (this.stateNow === 'distributing' && this.distribution!.onPdu(pdu)) return;
    // The responder's keys may overtake the initiator's Encryption Change: hold them until it comes.
    if (this.stateNow === 'encrypting' && this.env.role === 'initiator' && pdu.code >= SMP_CODE.ENCRYPTION_INFORMATION && pdu.code <= SMP_CODE.SIGNING_INFORMATION) {
      this.held.push(pdu);
      return;
    }
    this.unexpected(pdu.code);
  }

  /** A command that does not fit the state: Command Not Supported. Vol 3 Part H 3.3, 3.5.5. */
  private unexpected(code: number): void {
    this.failOrRefuse(SMP_REASON.COMMAND_NOT_SUPPORTED, `${smpCodeName(code)} was not expected ${this.stateText()}`);
  }

  private stateText(): string {
    return this.idle ? 'while no pairing is in progress' : `during ${this.stateNow}`;
  }

  /**
   * During a pairing: fail it. After a failed one: drop what was still under way (answering it would
   * only add a second Pairing Failed). Otherwise: answer with Pairing Failed and stay as we are.
   */
  private failOrRefuse(reason: number, why: string): void {
    if (!this.idle) return this.fail(reason, why);
    if (this.stateNow === 'failed') return this.event({ kind: 'ignored', why: `${why}, after the pairing failed` });
    this.out.push({ type: 'send', pdu: encodeSmp({ code: SMP_CODE.PAIRING_FAILED, reason }) });
    this.event({ kind: 'ignored', why: `${why}: answered Pairing Failed ${smpReason(reason).name}` });
  }

  private peerFailed(reason: number): void {
    if (this.idle) return this.event({ kind: 'ignored', why: `Pairing Failed (${smpReason(reason).name}) while no pairing is in progress` });
    this.finish({ result: 'failed', role: this.env.role, reason, by: 'peer', why: `the peer sent Pairing Failed: ${smpReason(reason).name}` }, 'failed');
  }

  /** Responder: phase 1. Vol 3 Part H 2.3, 3.5.1. */
  private onPairingRequest(preq: Buffer, req: PairingFeatures): void {
    if (this.env.role !== 'responder') return this.unexpected(SMP_CODE.PAIRING_REQUEST);
    if (!this.idle && this.stateNow !== 'security-requested') return this.unexpected(SMP_CODE.PAIRING_REQUEST);
    // Nothing goes back: the initiator's SMP timer (Vol 3 Part H 3.4) ends its pairing, not ours.
    if (this.config.silentToPairingRequests) return this.event({ kind: 'ignored', why: 'a Pairing Request, left unanswered (this side is silent to Pairing Requests)' });
    this.stateNow = 'features';
    this.out.push({ type: 'timer', run: true });
    if (!this.config.pairable) return this.fail(SMP_REASON.PAIRING_NOT_SUPPORTED, 'this side is not pairable');
    if (this.env.attempts && !this.env.attempts.allowed(this.env.peer.address)) {
      return this.fail(SMP_REASON.REPEATED_ATTEMPTS, 'the waiting interval after a failed pairing with this peer has not passed');
    }
    const invalid = invalidFeatures(req, 'a Pairing Request');
    if (invalid) return this.fail(SMP_REASON.INVALID_PARAMETERS, invalid);
    const res = pairingResponseFeatures(this.config, req);
    const pres = encodeSmp({ code: SMP_CODE.PAIRING_RESPONSE, ...res });
    const n = negotiate(this.config, preq, pres, req, res);
    if (!n.ok) return this.fail(n.reason, n.why);
    // A central this side holds a bond with pairs again (it forgot, or another claims its address).
    const bond = this.env.bond;
    if (bond?.localLtk) {
      const d = repairingDecision(this.config.onRepairing, bond.security, { authenticated: n.negotiated.model.authenticated, secureConnections: n.negotiated.secureConnections, keySize: n.negotiated.keySize });
      this.event({ kind: 'repairing', accepted: d.accept, why: d.why });
      if (!d.accept) return this.fail(d.reason, d.why);
    }
    this.out.push({ type: 'send', pdu: pres });
    this.beginAuthentication(n.negotiated);
  }

  /** Initiator: phase 1 ends. */
  private onPairingResponse(pres: Buffer, res: PairingFeatures): void {
    if (this.env.role !== 'initiator' || this.stateNow !== 'features') return this.unexpected(SMP_CODE.PAIRING_RESPONSE);
    const req = this.request!;
    const invalid = invalidFeatures(res, 'a Pairing Response');
    if (invalid) return this.fail(SMP_REASON.INVALID_PARAMETERS, invalid);
    // The responder may only agree to keys that were asked for. Vol 3 Part H 3.6.1.
    if (res.initiatorKeyDistribution & ~req.initiatorKeyDistribution || res.responderKeyDistribution & ~req.responderKeyDistribution) {
      return this.fail(SMP_REASON.INVALID_PARAMETERS, 'the Pairing Response sets key distribution bits the Pairing Request did not');
    }
    const n = negotiate(this.config, this.preq!, pres, req, res);
    if (!n.ok) return this.fail(n.reason, n.why);
    this.beginAuthentication(n.negotiated);
  }

  private beginAuthentication(n: Negotiated): void {
    this.negotiatedNow = n;
    this.debugKey = false;
    this.stateNow = 'authenticating';
    this.event({ kind: 'method', method: n.model.method, secureConnections: n.secureConnections, keySize: n.keySize });
    const ctx = this.phaseContext(n);
    this.phase = n.secureConnections ? new ScAuthentication(ctx) : new LegacyAuthentication(ctx);
    this.phase.start();
  }

  private phaseContext(negotiated: Negotiated): PhaseContext {
    const initiator = this.env.role === 'initiator';
    return {
      role: this.env.role,
      config: this.config,
      negotiated,
      initiator: initiator ? this.env.local : this.env.peer,
      responder: initiator ? this.env.peer : this.env.local,
      random: (n) => this.random(n),
      send: (pdu) => this.send(pdu),
      fail: (reason, why) => this.fail(reason, why),
      prompt: (prompt: PairingPrompt) => this.out.push({ type: 'prompt', prompt }),
      event: (e) => {
        if (e.kind === 'debug-key') this.debugKey = true;
        this.event(e);
      },
      authenticated: (key) => this.authenticated(key),
    };
  }

  // --- encryption ------------------------------------------------------------------------------

  /** Phase 2 is over: the initiator encrypts with the STK/LTK (EDIV 0, Rand 0). Vol 3 Part H 2.4.4. */
  private authenticated(key: Buffer): void {
    const n = this.negotiatedNow!;
    this.linkKey = { key: maskKey(key, n.keySize), ediv: 0, rand: ZERO_RAND, keySize: n.keySize };
    this.stateNow = 'encrypting';
    this.phase = undefined;
    this.out.push(this.env.role === 'initiator' ? { type: 'encrypt', ltk: this.linkKey } : { type: 'ltk-ready', ltk: this.linkKey });
  }

  private onLtkRequest(ediv: number, rand: Buffer): void {
    const reply = (ltk: LongTermKey | undefined) => {
      this.out.push({ type: 'ltk-reply', ltk });
    };
    if (this.env.role !== 'responder') return reply(undefined);
    const zero = ediv === 0 && rand.every((b) => b === 0);
    if (this.stateNow === 'encrypting' && zero) return reply(this.linkKey);
    // A stored key: LE legacy keys are found by EDIV and Rand; SC keys are asked for with zeros. Vol 3 Part H 2.4.4.1.
    const ltk = this.env.bond?.localLtk;
    const match = ltk && (this.env.bond!.security.secureConnections ? zero : ltk.ediv === ediv && ltk.rand.equals(rand));
    // Not during a pairing, except when our own Security Request made the central encrypt.
    if (match && (this.idle || this.stateNow === 'security-requested')) {
      this.answeredWithBond = true;
      return reply(ltk);
    }
    this.event({ kind: 'key-missing', ediv, rand });
    reply(undefined);
  }

  private onEncryption(encrypted: boolean, status: number): void {
    if (this.stateNow === 'encrypting') {
      if (!encrypted) {
        return this.finish({ result: 'failed', role: this.env.role, reason: 'encryption', by: 'local', why: `the link could not be encrypted with the new key (HCI status ${hex(status)})`, status }, 'failed');
      }
      return this.beginDistribution();
    }
    const bond = this.env.bond;
    if (this.stateNow === 're-encrypting' || (this.answeredWithBond && this.env.role === 'responder')) {
      this.answeredWithBond = false;
      if (encrypted && bond) return this.finish({ result: 'encrypted', role: this.env.role, security: bond.security, with: 'stored-key' }, 'done');
      if (this.stateNow === 're-encrypting') {
        return this.finish({ result: 'failed', role: this.env.role, reason: 'encryption', by: 'local', why: `encryption with the stored key failed (HCI status ${hex(status)}): the peer has no key or another one`, status }, 'failed');
      }
    }
  }

  private beginDistribution(): void {
    const n = this.negotiatedNow!;
    this.stateNow = 'distributing';
    this.distribution = new KeyDistributionPhase(this.phaseContext(n), { identity: this.env.identity, csrk: this.env.csrk }, () => this.paired());
    this.distribution.start();
    const held = this.held;
    this.held = [];
    for (const pdu of held) if (this.stateNow === 'distributing' && !this.distribution?.onPdu(pdu)) this.unexpected(pdu.code);
  }

  private paired(): void {
    const n = this.negotiatedNow!;
    const d = this.distribution!;
    const security: KeySecurity = {
      method: n.model.method,
      authenticated: n.model.authenticated,
      secureConnections: n.secureConnections,
      keySize: n.keySize,
      ...(this.debugKey ? { debugKey: true } : {}),
    };
    if (n.secureConnections) d.local.ltk = d.peer.ltk = this.linkKey; // the LTK from f5, known to both. Vol 3 Part H 2.3.5.6.5.
    const peerIdentity: DeviceAddress = d.peer.identityAddress ?? this.env.peer;
    this.finish(
      { result: 'paired', role: this.env.role, security, bonded: n.bonding, linkKey: this.linkKey!.key, local: d.local, peer: d.peer, peerIdentity },
      'done',
    );
  }

  // --- Security Request, keypress, timeout -----------------------------------------------------

  /** Central: a Security Request. Encrypt with a stored key that meets it, else pair. Vol 3 Part H 2.4.6. */
  private onSecurityRequest(authReq: number): void {
    if (this.env.role !== 'initiator') return this.unexpected(SMP_CODE.SECURITY_REQUEST);
    this.event({ kind: 'security-request', authReq });
    if (!this.idle) return this.event({ kind: 'ignored', why: 'a Security Request during a pairing' });
    const wants = decodeAuthReq(authReq);
    const bond = this.env.bond;
    const sufficient =
      bond?.peerLtk && !(wants.mitm && !bond.security.authenticated) && !(wants.secureConnections && this.config.secureConnections !== 'no' && !bond.security.secureConnections);
    if (sufficient) return this.reEncrypt(bond.peerLtk!);
    if (!this.config.pairable) {
      this.out.push({ type: 'send', pdu: encodeSmp({ code: SMP_CODE.PAIRING_FAILED, reason: SMP_REASON.PAIRING_NOT_SUPPORTED }) });
      return this.event({ kind: 'ignored', why: 'a Security Request, but this side is not pairable: answered Pairing Failed Pairing Not Supported' });
    }
    if (this.env.attempts && !this.env.attempts.allowed(this.env.peer.address)) {
      this.out.push({ type: 'send', pdu: encodeSmp({ code: SMP_CODE.PAIRING_FAILED, reason: SMP_REASON.REPEATED_ATTEMPTS }) });
      return this.event({ kind: 'ignored', why: 'a Security Request within the waiting interval after a failed pairing: answered Repeated Attempts' });
    }
    this.startPairing();
  }

  /** The local user typed: tell the peer when both set Keypress. Vol 3 Part H 2.3.5.6.3, 3.5.8. */
  private keypress(notification: number): void {
    const n = this.negotiatedNow;
    if (this.stateNow !== 'authenticating' || !n?.keypress || n.model.method !== 'Passkey Entry') {
      return this.event({ kind: 'ignored', why: 'a keypress outside Passkey Entry with keypress notifications' });
    }
    this.send({ code: SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION, notification });
  }

  private timeout(afterMs: number): void {
    if (this.idle) return;
    this.finish({ result: 'failed', role: this.env.role, reason: 'timeout', by: 'local', why: `no SMP progress for ${afterMs / 1000} s ${this.stateText()}` }, 'timed-out');
  }
}
