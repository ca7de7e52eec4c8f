// Phase 2 of LE legacy pairing: TK from Just Works (zero), Passkey Entry or OOB; Mconfirm/Sconfirm with
// c1, Mrand/Srand, STK = s1(TK, Srand, Mrand). Core v5.4 Vol 3 Part H 2.3.5.2-2.3.5.5, Appendix C.1.
import { SMP_CODE, SMP_REASON } from '../../base/codes/smp.js';
import { addressBytes, addressTypeBit, fromWire, uintBytes } from './byte-order.js';
import { PasskeySource } from './passkey.js';
import type { AuthenticationPhase, PhaseContext } from './phase-context.js';
import type { SmpPdu } from './pdu.js';
import { c1, s1 } from './toolbox.js';

export class LegacyAuthentication implements AuthenticationPhase {
  private tk: Buffer | undefined;
  private readonly myRand: Buffer;
  private sentConfirm = false;
  private peerConfirm: Buffer | undefined;
  private readonly passkey: PasskeySource;

  constructor(private readonly ctx: PhaseContext) {
    this.myRand = ctx.random(16);
    this.passkey = new PasskeySource(ctx, (n) => this.tkReady(uintBytes(n, 16)));
  }

  start(): void {
    const { method } = this.ctx.negotiated.model;
    if (method === 'Passkey Entry') return this.passkey.start();
    if (method === 'OOB') {
      const tk = this.ctx.config.oob?.legacyTk;
      if (!tk) return this.ctx.fail(SMP_REASON.OOB_NOT_AVAILABLE, 'LE legacy OOB was chosen but this side has no OOB TK');
      return this.tkReady(tk);
    }
    this.tkReady(Buffer.alloc(16)); // Just Works: TK = 0. Vol 3 Part H 2.3.5.2.
  }

  onPasskey(passkey: number | null): boolean {
    return this.passkey.answer(passkey);
  }

  onConfirm(): boolean {
    return false;
  }

  onPdu(pdu: SmpPdu): boolean {
    const initiator = this.ctx.role === 'initiator';
    if (pdu.code === SMP_CODE.PAIRING_CONFIRM) {
      if (this.peerConfirm) return false;
      if (initiator && !this.sentConfirm) return false; // Sconfirm answers Mconfirm
      this.peerConfirm = pdu.confirm;
      if (initiator) this.ctx.send({ code: SMP_CODE.PAIRING_RANDOM, random: this.myRand });
      else if (this.tk) this.sendConfirm();
      return true;
    }
    if (pdu.code === SMP_CODE.PAIRING_RANDOM) {
      // The initiator's Mrand follows our Sconfirm; the responder's Srand follows our Mrand.
      if (!this.peerConfirm || !this.sentConfirm || !this.tk) return false;
      if (!this.confirmOf(pdu.random).equals(this.peerConfirm)) {
        this.ctx.fail(SMP_REASON.CONFIRM_VALUE_FAILED, `the peer's ${initiator ? 'Sconfirm' : 'Mconfirm'} does not match its random value (a wrong passkey or TK)`);
        return true;
      }
      if (!initiator) this.ctx.send({ code: SMP_CODE.PAIRING_RANDOM, random: this.myRand });
      const [srand, mrand] = initiator ? [pdu.random, this.myRand] : [this.myRand, pdu.random];
      this.ctx.authenticated(s1(this.tk, srand, mrand)); // STK. Vol 3 Part H 2.3.5.5.
      return true;
    }
    return false;
  }

  private tkReady(tk: Buffer): void {
    this.tk = tk;
    if (this.ctx.role === 'initiator' || this.peerConfirm) this.sendConfirm();
  }

  private sendConfirm(): void {
    if (this.sentConfirm) return;
    this.sentConfirm = true;
    this.ctx.send({ code: SMP_CODE.PAIRING_CONFIRM, confirm: this.confirmOf(this.myRand) });
  }

  /** c1(TK, r, preq, pres, iat, rat, ia, ra). Vol 3 Part H 2.2.3. */
  private confirmOf(r: Buffer): Buffer {
    const { initiator, responder, negotiated } = this.ctx;
    return c1(
      this.tk!,
      r,
      fromWire(negotiated.preq),
      fromWire(negotiated.pres),
      addressTypeBit(initiator.type),
      addressTypeBit(responder.type),
      addressBytes(initiator.address),
      addressBytes(responder.address),
    );
  }
}
