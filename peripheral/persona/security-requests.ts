// A peripheral persona's Security Request (Core v5.4 Vol 3 Part H 2.4.6, 3.6.7), sent by the peripheral's
// own Security Manager as the persona says: `after-att-error`, once per link right after this side has
// refused a request with Insufficient Authentication or Encryption on a link not yet encrypted (what the
// Apple Accessory Design Guidelines §40.10 ask: no Security Request before an ATT rejection); `on-connect`,
// once per link at the central's first ATT request (its Security Manager is up by then); `never`.
import { ATT_ERROR } from '../../common/base/codes/att.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { PeripheralPersona } from '../../common/apps/persona/persona-types.js';

/** The refusals a Security Request can cure (Vol 3 Part C 10.3.2: the client raises security, then re-sends). */
const CURABLE: ReadonlySet<number> = new Set([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_ENCRYPTION]);

/** Starts sending; the returned function stops. `request` sends one on the connected link (false: no Security Manager or no link). */
export function sendSecurityRequests(when: PeripheralPersona['securityRequest']['value'], tap: Tap, request: () => boolean): () => void {
  if (when === 'never') return () => undefined;
  const sent = new Set<number>();
  const onEntry = (e: TimelineEntry) => {
    if (e.handle === undefined || e.layer !== 'att' || sent.has(e.handle)) return;
    if (tap.link(e.handle)?.encrypted) return;
    const due = when === 'on-connect' ? e.dir === 'rx' : e.dir === 'tx' && e.name === 'ATT Error Response' && CURABLE.has(e.fields.errorCode as number);
    if (!due) return;
    sent.add(e.handle);
    request();
  };
  const onDisconnect = (l: { handle: number }) => sent.delete(l.handle);
  tap.on('entry', onEntry);
  tap.on('disconnect', onDisconnect);
  return () => {
    tap.off('entry', onEntry);
    tap.off('disconnect', onDisconnect);
  };
}
