// Pairing Requests the application chose to refuse (refusePairing / refuseNextPairing): the next
// `times` (or every one) are answered Pairing Failed with the chosen reason (Core v5.4 Vol 3 Part H
// 3.5.5), whichever central sends them.
import { smpReason } from '../../common/base/codes/smp.js';
import { hex } from '../../common/base/codes/code-table.js';
import type { Logger } from '../../common/base/log/logger.js';
import { PeripheralError } from '../peripheral-error.js';
import type { RefusalOptions } from '../server-types.js';

export class PairingRefusals {
  private refusal: { readonly reason: number; left: number | 'always' } | undefined;

  constructor(private readonly log: Logger) {}

  /** Replaces any refusal set before. */
  refuse(reason: number, options: RefusalOptions = {}): void {
    const times = options.times ?? 'always';
    if (!Number.isInteger(reason) || reason < 0x01 || reason > 0xff) throw new PeripheralError(`a Pairing Failed reason is one octet from 0x01 (Vol 3 Part H 3.5.5), not ${reason}`);
    if (times !== 'always' && (!Number.isInteger(times) || times < 1)) throw new PeripheralError(`refusePairing times is a whole number from 1, or 'always', not ${String(times)}`);
    this.refusal = { reason, left: times };
    const which = times === 'always' ? 'every Pairing Request' : times === 1 ? 'the next Pairing Request' : `the next ${times} Pairing Requests`;
    this.log.info({ reason, times }, `${which} will be refused: ${hex(reason)} ${smpReason(reason).name}`);
  }

  accept(): void {
    if (this.refusal) this.log.info('Pairing Requests are accepted again');
    this.refusal = undefined;
  }

  /** A Pairing Request arrived: the reason to refuse it with, counted, or undefined to let it through. */
  take(): number | undefined {
    const r = this.refusal;
    if (!r) return undefined;
    if (r.left !== 'always' && --r.left === 0) this.refusal = undefined;
    this.log.info({ reason: r.reason }, `refused a Pairing Request with Pairing Failed ${hex(r.reason)} ${smpReason(r.reason).name}, as asked${r.left === 'always' ? '' : ` (${r.left} more to refuse)`}`);
    return r.reason;
  }
}
