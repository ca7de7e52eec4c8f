// Phase 2 of LE Secure Connections pairing. Core v5.4 Vol 3 Part H 2.3.5.6:
// public key exchange (2.3.5.6.1), authentication stage 1 by Just Works / Numeric Comparison
// (2.3.5.6.2), Passkey Entry in 20 rounds (2.3.5.6.3) or OOB (2.3.5.6.4), then stage 2: LTK and
// MacKey from f5, DHKey checks Ea/Eb from f6 (2.3.5.6.5). A = initiator, B = responder.
import { SMP_CODE, SMP_REASON } from '../../base/codes/smp.js';
import { address56, uintBytes } from './byte-order.js';
import { debugKeyPair, dhKey, generateP256KeyPair, isDebugPublicKey, isValidPublicKey, type P256KeyPair } from './p256.js';
import { PasskeySource } from './passkey.js';
import type { AuthenticationPhase, PhaseContext } from './phase-context.js';
import type { SmpPdu, SmpPduOf } from './pdu.js';
import { f4, f5, f6, g2, numericComparisonValue } from './toolbox.js';

const PASSKEY_ROUNDS = 20;
/**
 * A received public key that is not a point on P-256 fails the pairing; the DHKey cannot be computed,
 * so the reason is DHKey Check Failed. Vol 3 Part H 2.3.5.6.1. (A PDU of the wrong length is Invalid Parameters.)
 */
export const INVALID_PUBLIC_KEY_REASON = SMP_REASON.DHKEY_CHECK_FAILED;

/**
 * Refusing a peer's debug public key: the spec allows a device to refuse it but names no reason; the
 * authentication requirements (a key that is secret) cannot be met, so 0x03, the reason Zephyr's SMP
 * sends when it refuses a debug key. Vol 3 Part H 2.3.5.6.1, 3.5.5.
 */
export const DEBUG_KEY_REFUSED_REASON = SMP_REASON.AUTHENTICATION_REQUIREMENTS;

export class ScAuthentication implements AuthenticationPhase {
  private readonly keyPair: P256KeyPair;
  private peerX: Buffer | undefined;
  private dh: Buffer | undefined;
  private readonly initiator: boolean;
  /** Our nonce and commitment of the current step; the peer's commitment. */
  private myNonce: Buffer | undefined;
  private peerConfirm: Buffer | undefined;
  private sentConfirm = false;
  private sentNonce = false;
  private na: Buffer | undefined;
  private nb: Buffer | undefined;
  private ra: Buffer = Buffer.alloc(16);
  private rb: Buffer = Buffer.alloc(16);
  private round = 0;
  private readonly passkey: PasskeySource;
  /** Stage 1 is over; stage 2 waits for the user's yes (Numeric Comparison) and, at B, Ea. */
  private stage1Done = false;
  private userAccepted = false;
  private askingUser = false;
  private peerCheck: Buffer | undefined;
  private sentCheck = false;

  constructor(private readonly ctx: PhaseContext) {
    this.initiator = ctx.role === 'initiator';
    const oobLocal = ctx.config.oob?.secureConnections?.local;
    this.keyPair = ctx.config.useDebugKeys ? debugKeyPair() : (oobLocal?.keyPair ?? generateP256KeyPair());
    this.passkey = new PasskeySource(ctx, () => this.passkeyReady());
  }

  private get method() {
    return this.ctx.negotiated.model.method;
  }

  start(): void {
    if (this.initiator) this.sendPublicKey();
  }

  onPdu(pdu: SmpPdu): boolean {
    switch (pdu.code) {
      case SMP_CODE.PAIRING_PUBLIC_KEY:
        return this.onPublicKey(pdu);
      case SMP_CODE.PAIRING_CONFIRM:
        return this.onPeerConfirm(pdu.confirm);
      case SMP_CODE.PAIRING_RANDOM:
        return this.onPeerNonce(pdu.random);
      case SMP_CODE.PAIRING_DHKEY_CHECK:
        return this.onDhKeyCheck(pdu.check);
      default:
        return false;
    }
  }

  onPasskey(passkey: number | null): boolean {
    return this.passkey.answer(passkey);
  }

  onConfirm(accept: boolean): boolean {
    if (!this.askingUser) return false;
    this.askingUser = false;
    this.userDecided(accept);
    return true;
  }

  // --- public key exchange (2.3.5.6.1) ---------------------------------------------------------

  private sendPublicKey(): void {
    this.ctx.send({ code: SMP_CODE.PAIRING_PUBLIC_KEY, x: this.keyPair.x, y: this.keyPair.y });
  }

  private onPublicKey(pdu: SmpPduOf<typeof SMP_CODE.PAIRING_PUBLIC_KEY>): boolean {
    if (this.peerX) return false;
    if (!isValidPublicKey(pdu.x, pdu.y)) {
      this.ctx.fail(INVALID_PUBLIC_KEY_REASON, 'the peer\'s public key is not a point on the P-256 curve');
      return true;
    }
    // A reflected key (ours sent back) gives the attacker the DHKey: refuse it unless both use the debug key.
    if (pdu.x.equals(this.keyPair.x) && !isDebugPublicKey(pdu.x, pdu.y)) {
      this.ctx.fail(SMP_REASON.INVALID_PARAMETERS, 'the peer sent our own public key back');
      return true;
    }
    // Either side alone may use the debug key pair (Vol 3 Part H 2.3.5.6.1); the key is then not secure.
    const peerDebug = isDebugPublicKey(pdu.x, pdu.y);
    const localDebug = isDebugPublicKey(this.keyPair.x, this.keyPair.y);
    if (peerDebug && !localDebug && !this.ctx.config.acceptDebugKeys) {
      this.ctx.fail(DEBUG_KEY_REFUSED_REASON, "the peer sent the spec's debug public key, and this side accepts no debug keys (acceptDebugKeys is off)");
      return true;
    }
    if (peerDebug || localDebug) this.ctx.event({ kind: 'debug-key', by: peerDebug && localDebug ? 'both' : peerDebug ? 'peer' : 'local' });
    this.peerX = pdu.x;
    this.dh = dhKey(this.keyPair, pdu.x, pdu.y);
    if (!this.initiator) this.sendPublicKey();
    this.beginStage1();
    return true;
  }

  private get pkax(): Buffer {
    return this.initiator ? this.keyPair.x : this.peerX!;
  }
  private get pkbx(): Buffer {
    return this.initiator ? this.peerX! : this.keyPair.x;
  }

  // --- authentication stage 1 ------------------------------------------------------------------

  private beginStage1(): void {
    if (this.method === 'Passkey Entry') return this.passkey.start();
    if (this.method === 'OOB') return this.beginOob();
    // Just Works / Numeric Comparison: B commits to Nb first. 2.3.5.6.2.
    this.myNonce = this.ctx.random(16);
    if (!this.initiator) this.sendConfirm(f4(this.pkbx, this.pkax, this.myNonce, 0));
  }

  private beginOob(): void {
    const oob = this.ctx.config.oob?.secureConnections;
    const { request, response } = this.ctx.negotiated;
    const [ourFlag, peerFlag] = this.initiator ? [request.oobDataFlag, response.oobDataFlag] : [response.oobDataFlag, request.oobDataFlag];
    // With the peer's OOB data, its commitment C = f4(PKx, PKx, r, 0) must hold. 2.3.5.6.4.
    let peerR: Buffer = Buffer.alloc(16);
    if (ourFlag === 1) {
      if (!oob?.peer) return this.ctx.fail(SMP_REASON.OOB_NOT_AVAILABLE, 'the OOB flag was set but there is no OOB data from the peer');
      if (!f4(this.peerX!, this.peerX!, oob.peer.r, 0).equals(oob.peer.c)) {
        return this.ctx.fail(SMP_REASON.CONFIRM_VALUE_FAILED, 'the peer\'s public key does not match the confirm value of its OOB data');
      }
      peerR = oob.peer.r;
    }
    let ourR: Buffer = Buffer.alloc(16);
    if (peerFlag === 1) {
      if (!oob?.local) return this.ctx.fail(SMP_REASON.OOB_NOT_AVAILABLE, 'the peer has OOB data from us, but this side has none');
      ourR = oob.local.r;
    }
    [this.ra, this.rb] = this.initiator ? [ourR, peerR] : [peerR, ourR];
    this.myNonce = this.ctx.random(16);
    if (this.initiator) this.sendNonce();
  }

  /** Passkey known: round 1 begins (A commits; B commits once it has A's commitment). 2.3.5.6.3. */
  private passkeyReady(): void {
    this.ra = this.rb = uintBytes(this.passkey.value!, 16);
    this.beginRound();
  }

  private beginRound(): void {
    this.myNonce = this.ctx.random(16);
    // B may hold A's commitment already (it came before the passkey was typed).
    if (this.initiator || this.peerConfirm) this.sendRoundConfirm();
  }

  /** rai/rbi: bit `round` of the passkey, with 0x80 set. */
  private roundZ(): number {
    return 0x80 | ((this.passkey.value! >> this.round) & 1);
  }

  private sendRoundConfirm(): void {
    const c = this.initiator ? f4(this.pkax, this.pkbx, this.myNonce!, this.roundZ()) : f4(this.pkbx, this.pkax, this.myNonce!, this.roundZ());
    this.sendConfirm(c);
  }

  private sendConfirm(c: Buffer): void {
    this.sentConfirm = true;
    this.ctx.send({ code: SMP_CODE.PAIRING_CONFIRM, confirm: c });
  }

  private sendNonce(): void {
    this.sentNonce = true;
    this.ctx.send({ code: SMP_CODE.PAIRING_RANDOM, random: this.myNonce! });
  }

  private onPeerConfirm(c: Buffer): boolean {
    if (!this.peerX || this.peerConfirm || this.stage1Done || this.method === 'OOB') return false;
    if (this.method === 'Passkey Entry') {
      if (this.initiator && !this.sentConfirm) return false;
      this.peerConfirm = c;
      if (this.initiator) this.sendNonce();
      else if (this.passkey.value !== undefined) this.sendRoundConfirm();
      return true;
    }
    // Just Works / Numeric Comparison: only A receives Cb, then reveals Na.
    if (!this.initiator) return false;
    this.peerConfirm = c;
    this.sendNonce();
    return true;
  }

  private onPeerNonce(n: Buffer): boolean {
    if (!this.peerX || this.stage1Done || !this.myNonce) return false;
    if (this.method === 'OOB') {
      if (this.initiator !== this.sentNonce) return false; // A sends Na first, B answers with Nb
      if (!this.initiator) this.sendNonce();
      return this.endStage1(n);
    }
    if (this.method === 'Passkey Entry') {
      if (!this.sentConfirm || !this.peerConfirm || this.initiator !== this.sentNonce) return false;
      const expected = this.initiator ? f4(this.pkbx, this.pkax, n, this.roundZ()) : f4(this.pkax, this.pkbx, n, this.roundZ());
      if (!expected.equals(this.peerConfirm)) {
        this.ctx.fail(SMP_REASON.CONFIRM_VALUE_FAILED, `round ${this.round + 1} of Passkey Entry: the peer's confirm does not match (a different passkey)`);
        return true;
      }
      if (!this.initiator) this.sendNonce();
      if (++this.round < PASSKEY_ROUNDS) {
        this.sentConfirm = this.sentNonce = false;
        this.peerConfirm = undefined;
        this.beginRound();
        return true;
      }
      return this.endStage1(n);
    }
    // Just Works / Numeric Comparison.
    if (this.initiator) {
      if (!this.sentNonce) return false;
      if (!f4(this.pkbx, this.pkax, n, 0).equals(this.peerConfirm!)) {
        this.ctx.fail(SMP_REASON.CONFIRM_VALUE_FAILED, 'the responder\'s confirm value does not match its nonce Nb');
        return true;
      }
    } else {
      if (!this.sentConfirm || this.sentNonce) return false;
      this.sendNonce();
    }
    return this.endStage1(n);
  }

  private endStage1(peerNonce: Buffer): boolean {
    [this.na, this.nb] = this.initiator ? [this.myNonce!, peerNonce] : [peerNonce, this.myNonce!];
    this.stage1Done = true;
    if (this.method === 'Numeric Comparison') {
      const value = numericComparisonValue(g2(this.pkax, this.pkbx, this.na, this.nb));
      const answer = this.ctx.config.numericComparison;
      if (answer === 'ask') {
        this.askingUser = true;
        this.ctx.prompt({ kind: 'compare-numbers', value });
        return true;
      }
      this.ctx.event({ kind: 'numeric-comparison', value, accepted: answer === 'accept' });
      this.userDecided(answer === 'accept', value);
      return true;
    }
    this.userDecided(true);
    return true;
  }

  // --- authentication stage 2 (2.3.5.6.5) -------------------------------------------------------

  private userDecided(accept: boolean, value?: number): void {
    if (value === undefined && this.method === 'Numeric Comparison') {
      this.ctx.event({ kind: 'numeric-comparison', value: numericComparisonValue(g2(this.pkax, this.pkbx, this.na!, this.nb!)), accepted: accept });
    }
    if (!accept) return this.ctx.fail(SMP_REASON.NUMERIC_COMPARISON_FAILED, 'the user said the numbers do not match');
    this.userAccepted = true;
    if (this.initiator) this.sendCheck();
    else if (this.peerCheck) this.verifyPeerCheck();
  }

  private keys(): { macKey: Buffer; ltk: Buffer; a: Buffer; b: Buffer } {
    const a = address56(this.ctx.initiator.type, this.ctx.initiator.address);
    const b = address56(this.ctx.responder.type, this.ctx.responder.address);
    return { ...f5(this.dh!, this.na!, this.nb!, a, b), a, b };
  }

  /** IOcapA / IOcapB: AuthReq, OOB data flag, IO capability (MSB first). */
  private ioCap(side: 'a' | 'b'): Buffer {
    const f = side === 'a' ? this.ctx.negotiated.request : this.ctx.negotiated.response;
    return Buffer.from([f.authReq, f.oobDataFlag, f.ioCapability]);
  }

  /** Ea = f6(MacKey, Na, Nb, rb, IOcapA, A, B); Eb = f6(MacKey, Nb, Na, ra, IOcapB, B, A). */
  private checkValue(side: 'a' | 'b'): Buffer {
    const { macKey, a, b } = this.keys();
    return side === 'a' ? f6(macKey, this.na!, this.nb!, this.rb, this.ioCap('a'), a, b) : f6(macKey, this.nb!, this.na!, this.ra, this.ioCap('b'), b, a);
  }

  private sendCheck(): void {
    this.sentCheck = true;
    this.ctx.send({ code: SMP_CODE.PAIRING_DHKEY_CHECK, check: this.checkValue(this.initiator ? 'a' : 'b') });
  }

  private onDhKeyCheck(check: Buffer): boolean {
    if (!this.stage1Done || this.peerCheck) return false;
    if (this.initiator && !this.sentCheck) return false; // Eb answers Ea
    this.peerCheck = check;
    if (this.initiator || this.userAccepted) this.verifyPeerCheck();
    return true;
  }

  private verifyPeerCheck(): void {
    if (!this.checkValue(this.initiator ? 'b' : 'a').equals(this.peerCheck!)) {
      return this.ctx.fail(SMP_REASON.DHKEY_CHECK_FAILED, `the peer's DHKey check value (${this.initiator ? 'Eb' : 'Ea'}) does not match`);
    }
    if (!this.initiator) this.sendCheck();
    this.ctx.authenticated(this.keys().ltk);
  }
}
