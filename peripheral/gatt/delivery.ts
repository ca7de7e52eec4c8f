// Notifications and indications to several centrals: each goes only to a central connected now that
// enabled it in its own CCCD and whose link is secure enough for it at this moment (Core v5.4 Vol 3
// Part G 3.3.3.3: the CCCD is per client; Vol 3 Part C 10.3.1: the attribute's security holds for
// the server's own sends too). Indications are one at a time per bearer, each confirmed (Vol 3 Part F
// 3.4.7.2): each link has its own queue, so a slow central never holds up another.
import { ATT_OP } from '../../common/base/codes/att.js';
import { checkSecurity, type LinkSecurityState } from '../../common/stack/gatt/index.js';
import type { AttPdu } from '../../common/stack/att/index.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import type { Logger } from '../../common/base/log/logger.js';
import { codeText } from '../answers/access-policy.js';
import type { Delivery, NotDelivered } from '../server-types.js';
import type { Indications } from './indications.js';
import type { ServedCharacteristic } from './served-profile.js';
import type { Subscriptions } from './subscriptions.js';

export interface DeliveryContext {
  /** The centrals connected now (the peripheral's links). */
  centrals(): LinkState[];
  readonly subs: Subscriptions;
  security(handle: number): LinkSecurityState;
  send(handle: number, pdu: AttPdu): boolean;
  mtu(handle: number): number;
  indications(handle: number): Indications;
  /** Why this link takes no notification or indication now whatever its CCCD (a change-unaware client), or undefined. */
  blocked?(handle: number): string | undefined;
  readonly log: Logger;
}

type Kind = 'notify' | 'indicate';

/** Why this central gets nothing now, or undefined when it gets the value. */
function cannotSend(ctx: DeliveryContext, l: LinkState, c: ServedCharacteristic, kind: Kind): string | undefined {
  const name = c.def.name;
  const blocked = ctx.blocked?.(l.handle);
  if (blocked) return blocked;
  const on = kind === 'notify' ? ctx.subs.notifying(l.handle, name) : ctx.subs.indicating(l.handle, name);
  if (!on) return `the central has not enabled ${kind === 'notify' ? 'notifications' : 'indications'} in the CCCD`;
  const v = checkSecurity(c.security[kind], ctx.security(l.handle));
  return v.ok ? undefined : `the link's security is not enough (${codeText(v.attError)}): ${v.reason}`;
}

/** The centrals (of `only`, when given) that get it, and those that do not with why. */
function split(ctx: DeliveryContext, c: ServedCharacteristic, kind: Kind, only: string | undefined): { to: LinkState[]; notTo: NotDelivered[] } {
  const to: LinkState[] = [];
  const notTo: NotDelivered[] = [];
  for (const l of ctx.centrals()) {
    if (only !== undefined && l.peerAddress.toUpperCase() !== only.toUpperCase()) continue;
    const why = cannotSend(ctx, l, c, kind);
    if (why) notTo.push({ central: l.peerAddress, handle: l.handle, reason: why });
    else to.push(l);
  }
  return { to, notTo };
}

/** The reason nothing went out: the one central's own, or each central's. */
function noneReason(notTo: readonly NotDelivered[], only: string | undefined): string {
  if (notTo.length === 0) return only === undefined ? 'no central is connected' : `central ${only} is not connected`;
  if (notTo.length === 1) return notTo[0]!.reason;
  return notTo.map((n) => `central ${n.central}: ${n.reason}`).join('; ');
}

/** Notifies every central that may have it now (`only`: one central by address). */
export function notifyCentrals(ctx: DeliveryContext, c: ServedCharacteristic, only?: string): Delivery {
  const { to, notTo } = split(ctx, c, 'notify', only);
  for (const n of notTo) ctx.log.info({ characteristic: c.def.name, central: n.central }, `no notification of "${c.def.name}" to ${n.central}: ${n.reason}`);
  if (to.length === 0) {
    const reason = noneReason(notTo, only);
    ctx.log.info({ characteristic: c.def.name }, `no notification of "${c.def.name}" sent: ${reason}`);
    return { sent: false, reason, notTo };
  }
  for (const l of to) {
    ctx.send(l.handle, { opcode: ATT_OP.HANDLE_VALUE_NTF, handle: c.valueHandle, value: c.value.subarray(0, ctx.mtu(l.handle) - 3) });
    ctx.log.info({ characteristic: c.def.name, handle: c.valueHandle, central: l.peerAddress }, `notified "${c.def.name}" (${c.value.length} octets) to ${l.peerAddress}`);
  }
  return { sent: true, central: to[0]!.peerAddress, centrals: to.map((l) => l.peerAddress), notTo };
}

/** Indicates to every central that may have it now; resolves when each confirmed or did not (timeout, link lost). */
export async function indicateCentrals(ctx: DeliveryContext, c: ServedCharacteristic, only?: string): Promise<Delivery> {
  const { to, notTo } = split(ctx, c, 'indicate', only);
  for (const n of notTo) ctx.log.info({ characteristic: c.def.name, central: n.central }, `no indication of "${c.def.name}" to ${n.central}: ${n.reason}`);
  if (to.length === 0) {
    const reason = noneReason(notTo, only);
    ctx.log.info({ characteristic: c.def.name }, `no indication of "${c.def.name}" sent: ${reason}`);
    return { sent: false, reason, notTo };
  }
  const results = await Promise.all(
    to.map(async (l) => {
      const cut = c.value.subarray(0, ctx.mtu(l.handle) - 3);
      const r = await ctx.indications(l.handle).indicate(() => ctx.send(l.handle, { opcode: ATT_OP.HANDLE_VALUE_IND, handle: c.valueHandle, value: cut }));
      if (r.confirmed) ctx.log.info({ characteristic: c.def.name, ms: r.ms, central: l.peerAddress }, `indicated "${c.def.name}" to ${l.peerAddress}; confirmed after ${r.ms.toFixed(1)} ms`);
      else ctx.log.warn({ characteristic: c.def.name, central: l.peerAddress }, `indicated "${c.def.name}" to ${l.peerAddress}; not confirmed: ${r.reason}`);
      return { central: l.peerAddress, r };
    }),
  );
  const centrals = results.map((x) => x.central);
  const failed = results.find((x) => !x.r.confirmed);
  const base = { sent: true as const, central: centrals[0]!, centrals, notTo };
  if (!failed || failed.r.confirmed) return { ...base, confirmed: true };
  const reason = results.length === 1 ? failed.r.reason : `central ${failed.central}: ${failed.r.reason}`;
  return { ...base, confirmed: false, reason };
}
