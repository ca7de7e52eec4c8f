// A bonded central encrypts a new link with the key it kept, without pairing again (Core v5.4 Vol 3
// Part C 10.3.2: on 0x05/0x0F a client with a bond "shall" first try encryption; Vol 3 Part H 2.4.4.1:
// the LTK, EDIV and Rand identify the key). The key comes from the central's one key store
// (central-bonds.ts), whichever Security Manager made it.
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { toWire } from '../../common/stack/smp/byte-order.js';
import type { LongTermKey } from '../../common/stack/smp/engine-types.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { AttBearer, LegacyLtk } from '../att/att-bearer.js';
import { CentralUsageError, HciError, OperationTimeout, type CentralError } from '../errors.js';

/** A kept LTK (spec order, most significant octet first) as LE Enable Encryption takes it (wire order). Vol 4 Part E 7.8.24. */
export const wireLtk = (ltk: LongTermKey): LegacyLtk => ({ ltk: toWire(ltk.key), ediv: ltk.ediv, rand: toWire(ltk.rand) });

export interface EncryptOptions {
  bearer: AttBearer;
  tap: Tap;
  link: LinkState;
  key: LegacyLtk;
  timeoutMs: number;
}

/**
 * LE Enable Encryption with the stored key; resolves at Encryption Change, with the error when it
 * failed: 0x06 PIN or Key Missing (the peer has no key for it: the link stays up), or the link lost
 * with 0x3D MIC Failure (the peer has another key).
 */
export function encryptWithStoredKey(o: EncryptOptions): Promise<CentralError | undefined> {
  const { tap, link, bearer } = o;
  const from = tap.nextSeq - 1;
  return new Promise((resolve) => {
    let done = false;
    const finish = (e?: CentralError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      tap.off('encryption', onEncryption);
      tap.off('disconnect', onDisconnect);
      resolve(e);
    };
    const mine = (l: LinkState, e: TimelineEntry) => l === link && e.seq > from;
    const onEncryption = (l: LinkState, e: TimelineEntry) => {
      if (!mine(l, e)) return;
      if (l.encrypted && l.encryptionStatus === 0) finish();
      else finish(new HciError(l.encryptionStatus ?? 0, 'encryption', 'with the key kept from an earlier pairing'));
    };
    const onDisconnect = (l: LinkState, e: TimelineEntry) => {
      if (!mine(l, e)) return;
      // 0x3D: the peer answered with its own key and it is not this one (Vol 6 Part B 5.1.3.1)
      const mic = l.disconnectReason === HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE;
      finish(new HciError(l.disconnectReason ?? 0, 'disconnection', `during encryption with the key kept from an earlier pairing${mic ? ": the peer's key for this bond is another one" : ''}`));
    };
    const timer = setTimeout(() => finish(new OperationTimeout('encryption with the stored key', o.timeoutMs, 'no Encryption Change')), o.timeoutMs);
    tap.on('encryption', onEncryption);
    tap.on('disconnect', onDisconnect);
    if (!bearer.startEncryption) return finish(new CentralUsageError('this ATT bearer cannot start encryption with a stored key'));
    try {
      bearer.startEncryption(o.key);
    } catch (e) {
      finish(e instanceof HciError ? e : new HciError(link.disconnectReason ?? 0, 'disconnection', `before encryption (${(e as Error).message})`));
    }
  });
}
