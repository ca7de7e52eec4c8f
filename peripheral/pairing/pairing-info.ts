// What the `pairing` event says about one SMP PDU on a central's link: which step (request,
// response, failure, Security Request; Core v5.4 Vol 3 Part H 3.5, 3.6.7), who started, the method,
// key size and failure so far, as the tap's link state has them.
import { SMP_CODE } from '../../common/base/codes/smp.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { PairingInfo } from '../server-types.js';

/** The event for this SMP entry on a peripheral-side link under pairing, or undefined. */
export function pairingInfoOf(l: LinkState, e: TimelineEntry): PairingInfo | undefined {
  if (l.role !== 'peripheral' || !l.pairing) return undefined;
  const p = l.pairing;
  const code = e.fields.code;
  const step = code === SMP_CODE.PAIRING_FAILED ? 'failed' : code === SMP_CODE.SECURITY_REQUEST ? 'security-request' : code === SMP_CODE.PAIRING_RESPONSE ? 'response' : 'request';
  return {
    central: l.peerAddress,
    step,
    initiator: p.initiator,
    ...(p.method ? { method: p.method } : {}),
    ...(p.keySize ? { keySize: p.keySize } : {}),
    ...(p.failed ? { failed: { reason: p.failed.reason, reasonName: p.failed.reasonName, sentBy: p.failed.sentBy } } : {}),
  };
}
