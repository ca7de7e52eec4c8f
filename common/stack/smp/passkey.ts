// Where this side's passkey comes from in Passkey Entry: shown (fixed or random) or typed (fixed, or
// asked). Core v5.4 Vol 3 Part H 2.3.5.3 (legacy), 2.3.5.6.3 (Secure Connections): 000000..999999.
import { SMP_REASON } from '../../base/codes/smp.js';
import type { PhaseContext } from './phase-context.js';

export const MAX_PASSKEY = 999_999;

export class PasskeySource {
  private waiting = false;
  value: number | undefined;

  constructor(
    private readonly ctx: PhaseContext,
    private readonly ready: (passkey: number) => void,
  ) {}

  /** Begin: may call ready() at once (shown or fixed), or prompt the user and wait for answer(). */
  start(): void {
    const roles = this.ctx.negotiated.model.passkeyRoles;
    const mine = roles ? roles[this.ctx.role] : 'display';
    const fixed = typeof this.ctx.config.passkey === 'object' ? this.ctx.config.passkey.fixed : undefined;
    if (mine === 'display') {
      const passkey = fixed ?? this.ctx.random(4).readUInt32BE(0) % (MAX_PASSKEY + 1);
      this.ctx.event({ kind: 'passkey', passkey, how: 'displayed' });
      this.ctx.prompt({ kind: 'display-passkey', passkey });
      return this.set(passkey);
    }
    if (fixed !== undefined) {
      this.ctx.event({ kind: 'passkey', passkey: fixed, how: 'entered' });
      return this.set(fixed);
    }
    this.waiting = true;
    this.ctx.prompt({ kind: 'enter-passkey' });
  }

  /** The user's answer; false when none was asked for. */
  answer(passkey: number | null): boolean {
    if (!this.waiting) return false;
    this.waiting = false;
    if (passkey === null || !Number.isInteger(passkey) || passkey < 0 || passkey > MAX_PASSKEY) {
      this.ctx.fail(SMP_REASON.PASSKEY_ENTRY_FAILED, passkey === null ? 'the user cancelled passkey entry' : `the passkey typed (${passkey}) is not a number from 000000 to 999999`);
      return true;
    }
    this.ctx.event({ kind: 'passkey', passkey, how: 'entered' });
    this.set(passkey);
    return true;
  }

  private set(passkey: number): void {
    this.value = passkey;
    this.ready(passkey);
  }
}
