// Pairing one link with noble's SMP and learning the outcome from the tap: the Encryption Change
// (Core v5.4 Vol 4 Part E 7.7.8), a Pairing Failed either way (Vol 3 Part H 3.5.5), the link
// dropping, or nothing within the time limit (SMP timeout, Vol 3 Part H 3.4). noble's own
// callbacks say nothing useful: it reports a failure without a reason, and on a failed confirm
// check it sends a malformed Pairing Random (04 03) where Pairing Failed 0x04 is meant.
import { SMP_CODE, SMP_REASON } from '../../common/codes/smp.js';
import type { LinkState } from '../../common/trace/link-state.js';
import type { Tap } from '../../common/trace/tap.js';
import type { TimelineEntry } from '../../common/trace/timeline.js';
import type { AttBearer } from '../att/att-bearer.js';
import { HciError, OperationTimeout, SmpPairingFailed, type CentralError } from '../errors.js';
import { pairingReport, sideName, type PairingReport } from './pairing-report.js';

export interface PairOptions {
  bearer: AttBearer;
  tap: Tap;
  link: LinkState;
  timeoutMs: number;
  trigger: string;
}

const lastSeq = (tap: Tap) => tap.entries.at(-1)?.seq ?? -1;

/**
 * noble's confirm-failure PDU (lib/hci-socket/smp.js): the Pairing Random code followed by the Pairing
 * Confirm code, [04 03], where [05 04] (Pairing Failed, Confirm Value Failed) is meant.
 */
const isNobleFalseRandom = (e: TimelineEntry, handle: number) =>
  e.dir === 'tx' && e.handle === handle && e.raw.length === 2 && e.raw[0] === SMP_CODE.PAIRING_RANDOM && e.raw[1] === SMP_CODE.PAIRING_CONFIRM;

export const NOBLE_FALSE_RANDOM_NOTE =
  "noble's SMP sent a 2-octet Pairing Random (04 03) where Pairing Failed 0x04 Confirm Value Failed was meant; the peripheral never got a valid Pairing Failed";

export function pair(o: PairOptions): Promise<PairingReport> {
  const { tap, link, bearer } = o;
  const from = lastSeq(tap);
  const notes: string[] = [];
  return new Promise<PairingReport>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (error?: CentralError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      tap.off('encryption', onEncryption);
      tap.off('pairing', onPairing);
      tap.off('disconnect', onDisconnect);
      bearer.off('pairingFailed', onNobleFail);
      resolve(pairingReport(link, o.trigger, error ? { error, notes } : { notes }));
    };
    const mine = (l: LinkState, e: TimelineEntry) => l === link && e.seq > from;
    const onEncryption = (l: LinkState, e: TimelineEntry) => {
      if (!mine(l, e)) return;
      if (l.encrypted && l.encryptionStatus === 0) finish();
      else finish(new HciError(l.encryptionStatus ?? 0, 'encryption', 'the controllers could not start encryption with the key pairing made'));
    };
    const onPairing = (l: LinkState, e: TimelineEntry) => {
      const failed = l.pairing?.failed;
      if (!mine(l, e) || !failed || e.name !== 'SMP Pairing Failed') return;
      finish(new SmpPairingFailed(failed.reason, sideName(failed.sentBy, l.role)));
    };
    const onDisconnect = (l: LinkState, e: TimelineEntry) => {
      if (mine(l, e)) finish(new HciError(l.disconnectReason ?? 0, 'disconnection', 'during pairing'));
    };
    // noble's SMP gave up without a Pairing Failed from the peer: its confirm check failed. The
    // PDU it sends for that may still wait in its ACL queue (controller buffers), so wait for it.
    const onNobleFail = () => {
      const reason = SMP_REASON.CONFIRM_VALUE_FAILED;
      tap
        .waitFor((e) => e.seq > from && isNobleFalseRandom(e, link.handle), { includePast: true, timeoutMs: o.timeoutMs, what: "noble's confirm-failure PDU" })
        .then(
          () => {
            notes.push(NOBLE_FALSE_RANDOM_NOTE);
            finish(new SmpPairingFailed(reason, 'central', NOBLE_FALSE_RANDOM_NOTE));
          },
          () => finish(new SmpPairingFailed(reason, 'central', 'noble gave up pairing without sending anything')),
        );
    };
    tap.on('encryption', onEncryption);
    tap.on('pairing', onPairing);
    tap.on('disconnect', onDisconnect);
    bearer.on('pairingFailed', onNobleFail);
    timer = setTimeout(() => finish(new OperationTimeout('pairing', o.timeoutMs, 'no Encryption Change and no Pairing Failed (SMP timeout, Vol 3 Part H 3.4)')), o.timeoutMs);
    if (!link.connected) return finish(new HciError(link.disconnectReason ?? 0, 'disconnection', 'before pairing'));
    try {
      bearer.startPairing();
    } catch {
      finish(new HciError(link.disconnectReason ?? 0, 'disconnection', 'before pairing'));
    }
  });
}
