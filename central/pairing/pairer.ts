// Pairing one link with noble's SMP and learning the outcome from the tap: the Encryption Change
// (Core v5.4 Vol 4 Part E 7.7.8), a Pairing Failed either way (Vol 3 Part H 3.5.5), the link
// dropping, or nothing within the time limit (SMP timeout, Vol 3 Part H 3.4). noble's own
// callbacks say nothing useful: it reports a failure without a reason, and on a failed confirm
// check it sends a malformed Pairing Random (04 03) where Pairing Failed 0x04 is meant.
import { HCI_STATUS, OP } from '../../common/base/codes/hci.js';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { commandRefusal } from '../../common/stack/hci/command-refusal.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { AttBearer } from '../att/att-bearer.js';
import { HciError, OperationTimeout, SmpPairingFailed, type CentralError } from '../errors.js';
import { describeSharedIrk, type LinkSession } from '../../common/stack/smp/link-session.js';
import type { PairingOutcome } from '../../common/stack/smp/engine-types.js';
import { debugKeyUse, pairingReport, sideName, type PairingReport } from './pairing-report.js';

export interface PairOptions {
  bearer: AttBearer;
  tap: Tap;
  link: LinkState;
  /** How long the whole pairing may take (with blebench's Security Manager: beyond its SMP timeout, so a person can answer). */
  timeoutMs: number;
  trigger: string;
  /** blebench's Security Manager on this link, when it runs: its SMP timeout (no Pairing Failed goes over the air) ends the pairing. */
  session?: LinkSession;
  /** Pair from scratch even with a bond (a Pairing Request, not encryption with the kept key): the peer had no key for it. */
  fresh?: boolean;
  /** This Pairing Request asks for MITM whatever the config says (a persona's second retry, mitm-retry.ts). */
  mitm?: boolean;
}

const lastSeq = (tap: Tap) => tap.nextSeq - 1;

/**
 * noble's confirm-failure PDU (lib/hci-socket/smp.js): the Pairing Random code followed by the Pairing
 * Confirm code, [04 03], where [05 04] (Pairing Failed, Confirm Value Failed) is meant.
 */
const isNobleFalseRandom = (e: TimelineEntry, handle: number) =>
  e.dir === 'tx' && e.handle === handle && e.raw.length === 2 && e.raw[0] === SMP_CODE.PAIRING_RANDOM && e.raw[1] === SMP_CODE.PAIRING_CONFIRM;

export const NOBLE_FALSE_RANDOM_NOTE =
  "noble's SMP sent a 2-octet Pairing Random (04 03) where Pairing Failed 0x04 Confirm Value Failed was meant; the peripheral never got a valid Pairing Failed";

/**
 * What the link was doing when it dropped: a bonded link asked to pair encrypts with the kept key
 * instead (no Pairing Request); a drop there with 0x3D means the two keys differ (Vol 6 Part B 5.1.3.1).
 */
function duringWhat(l: LinkState): string {
  if (l.pairing || l.ltk?.via !== 'LE Enable Encryption') return 'during pairing';
  return l.disconnectReason === HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE
    ? "during encryption with the key kept from an earlier pairing: the peer's key for this bond is another one"
    : 'during encryption with the key kept from an earlier pairing';
}

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
      tap.off('entry', onEntry);
      bearer.off('pairingFailed', onNobleFail);
      o.session?.off('outcome', onOutcome);
      const debugKey = debugKeyUse(tap.entries.filter((e) => e.seq > from && e.handle === link.handle), link.role);
      for (const s of o.session?.sharedIrks ?? []) notes.push(describeSharedIrk(s));
      const identities = o.session ? { local: o.session.localIdentity, ...(o.session.peerIdentity ? { peer: o.session.peerIdentity } : {}) } : undefined;
      resolve(pairingReport(link, o.trigger, { ...(error ? { error } : {}), notes, ...(debugKey ? { debugKey } : {}), ...(identities ? { identities } : {}) }));
    };
    const mine = (l: LinkState, e: TimelineEntry) => l === link && e.seq > from;
    // With blebench's Security Manager the pairing ends when its key distribution does (Vol 3 Part H
    // 3.6.1: Phase 3 follows the encryption), not at the Encryption Change: a peer may send its keys
    // after it (ble-host does), and a link dropped before then leaves no bond.
    let encrypted = false;
    let distributed = o.session === undefined;
    const onEncryption = (l: LinkState, e: TimelineEntry) => {
      if (!mine(l, e)) return;
      if (!(l.encrypted && l.encryptionStatus === 0)) return finish(new HciError(l.encryptionStatus ?? 0, 'encryption', 'the controllers could not start encryption with the key pairing made'));
      encrypted = true;
      if (distributed) finish();
    };
    const onPairing = (l: LinkState, e: TimelineEntry) => {
      const failed = l.pairing?.failed;
      if (!mine(l, e) || !failed || e.name !== 'SMP Pairing Failed') return;
      finish(new SmpPairingFailed(failed.reason, sideName(failed.sentBy, l.role)));
    };
    const onDisconnect = (l: LinkState, e: TimelineEntry) => {
      if (mine(l, e)) finish(new HciError(l.disconnectReason ?? 0, 'disconnection', duringWhat(l)));
    };
    // The controller refused LE Enable Encryption (Command Status, e.g. 0x02, 0x0C): no Encryption Change follows.
    const onEntry = (e: TimelineEntry) => {
      const refused = e.seq > from ? commandRefusal(e, OP.LE_ENABLE_ENCRYPTION) : undefined;
      if (refused !== undefined) finish(new HciError(refused, 'encryption', 'the controller refused LE Enable Encryption after pairing'));
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
    // The Security Manager's word ends the pairing whatever the tap could decode: the SMP timer expired
    // (Vol 3 Part H 3.4: nothing goes over the air), or a Pairing Failed the tap cannot take for one (a
    // truncated `05` from a broken peer is malformed on the timeline, yet the engine takes it as the
    // peer's failure, Unspecified Reason), which would otherwise leave this wait to its 32 s limit.
    const onOutcome = (outcome: PairingOutcome) => {
      if (outcome.result === 'paired' || outcome.result === 'encrypted') {
        distributed = true;
        if (encrypted) finish();
        return;
      }
      if (outcome.result !== 'failed') return;
      if (outcome.reason === 'timeout') finish(new OperationTimeout('pairing', o.session?.timeoutMs ?? o.timeoutMs, `SMP timeout (Vol 3 Part H 3.4): ${outcome.why}; no further SMP on this link, reconnect to pair again`));
      // (Our own Pairing Failed reaches the tap as a whole PDU, which says it first.)
      else if (typeof outcome.reason === 'number' && outcome.by === 'peer') finish(new SmpPairingFailed(outcome.reason, sideName('remote', link.role)));
    };
    o.session?.on('outcome', onOutcome);
    tap.on('encryption', onEncryption);
    tap.on('pairing', onPairing);
    tap.on('disconnect', onDisconnect);
    tap.on('entry', onEntry);
    bearer.on('pairingFailed', onNobleFail);
    timer = setTimeout(() => finish(new OperationTimeout('pairing', o.timeoutMs, 'no Encryption Change and no Pairing Failed (SMP timeout, Vol 3 Part H 3.4)')), o.timeoutMs);
    if (!link.connected) return finish(new HciError(link.disconnectReason ?? 0, 'disconnection', 'before pairing'));
    try {
      if (o.mitm && o.session) o.session.input({ type: 'pair', mitm: true });
      else if (o.fresh && o.session) o.session.input({ type: 'pair' });
      else bearer.startPairing();
    } catch {
      finish(new HciError(link.disconnectReason ?? 0, 'disconnection', 'before pairing'));
    }
  });
}
