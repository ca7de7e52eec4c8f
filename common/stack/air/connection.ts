// Links between two virtual controllers: creation (initiator meets a connectable advertiser),
// connection complete on both sides, disconnection with reasons. Core v5.4 Vol 6 Part B 4.5
// (connection state), Vol 4 Part E 7.8.12 (LE Create Connection), 7.7.65.1/10, 7.7.5.
import { ADDRESS_TYPE, HCI_STATUS, LE_EVT, ROLE } from '../../base/codes/hci.js';
import { airAddressType, FILTER_POLICY, inFilterAcceptList, isConnectable, isDirected, isDirectedAt, onAir, ownAddress, type OnAirAddress } from './advertising.js';
import { identityOf, ignoredByPrivacyMode, resolvePeer, sameIdentity } from './privacy.js';
import { CENTRAL_CLOCK_ACCURACY, DATA_LENGTH } from './capabilities.js';
import { Link, LinkEnd } from './link.js';
import { disconnectionComplete, leConnectionComplete, leDataLengthChange, leEnhancedConnectionComplete, type ConnectionCompleteFields } from './events.js';
import type { InitiatorState } from './state.js';
import type { VirtualController } from './controller.js';

/**
 * LE Connection Complete, or LE Enhanced Connection Complete when the host unmasked it (7.7.65.10).
 * The legacy event has no room for 0x02/0x03 nor the RPAs: a resolved peer is given by its identity
 * address with type 0x00/0x01 (7.7.65.1), as Zephyr's controller does.
 */
export function sendConnectionComplete(c: VirtualController, f: ConnectionCompleteFields): void {
  if (c.state.masks.allowsLe(LE_EVT.ENHANCED_CONNECTION_COMPLETE)) c.send(leEnhancedConnectionComplete(f));
  else c.send(leConnectionComplete({ ...f, peerAddressType: f.peerAddressType & ADDRESS_TYPE.RANDOM }));
}

export function failedConnectionFields(status: number): ConnectionCompleteFields {
  return { status, handle: 0, role: ROLE.CENTRAL, peerAddressType: 0, peerAddress: Buffer.alloc(6), interval: 0, latency: 0, supervisionTimeout: 0, centralClockAccuracy: 0 };
}

/** Could this initiator connect to this advertiser right now? */
export function accepts(init: InitiatorState, initiator: VirtualController, advertiser: VirtualController): boolean {
  if (advertiser === initiator || advertiser.closed) return false;
  const from = onAir(advertiser);
  const p = advertiser.state.adv.params;
  if (!from || !isConnectable(p) || ignoredByPrivacyMode(initiator, from)) return false;
  const fromIdentity = identityOf(initiator, from);
  const me = ownAddress(initiator, init.ownAddressType, fromIdentity);
  if (!me || ignoredByPrivacyMode(advertiser, me)) return false;
  if (isDirected(p) && !isDirectedAt(advertiser, me)) return false;
  // Advertising_Filter_Policy 0x02/0x03: connections only from the filter accept list
  if (p.filterPolicy & FILTER_POLICY.ADV_CONNECT_REQUESTS_FROM_LIST && !inFilterAcceptList(advertiser, me)) return false;
  if (init.filterPolicy === FILTER_POLICY.INITIATOR_USE_ACCEPT_LIST) return inFilterAcceptList(initiator, from);
  // Peer_Address_Type 0x02/0x03: the identity behind a resolved RPA, or that address itself (7.8.12)
  if (airAddressType(init.peerAddressType) === from.type && init.peerAddress.equals(from.address)) return true;
  return fromIdentity !== from && sameIdentity(fromIdentity, { type: init.peerAddressType, address: init.peerAddress });
}

const NO_RPA = Buffer.alloc(6);

/** One end's connection complete: the peer by identity when this end resolved its RPA (7.7.65.10). */
function completeFields(end: LinkEnd, ownAir: OnAirAddress, link: Link): ConnectionCompleteFields {
  const resolved = resolvePeer(end.controller, end.peerAir);
  return {
    status: HCI_STATUS.SUCCESS,
    handle: end.handle,
    role: end.role,
    peerAddressType: resolved ? resolved.entry.peerIdentityType + ADDRESS_TYPE.PUBLIC_IDENTITY : end.peerAir.type,
    peerAddress: resolved ? resolved.entry.peerIdentity : end.peerAir.address,
    localRpa: ownAir.controllerRpa ? ownAir.address : NO_RPA,
    peerRpa: resolved ? resolved.rpa : NO_RPA,
    interval: link.interval,
    latency: link.latency,
    supervisionTimeout: link.timeout,
    centralClockAccuracy: end.role === ROLE.PERIPHERAL ? CENTRAL_CLOCK_ACCURACY : 0,
  };
}

/** Central and peripheral both learn of the new link; the peripheral stops advertising (Vol 6 Part B 4.4.2). */
export function establish(central: VirtualController, peripheral: VirtualController, init: InitiatorState): Link | undefined {
  const radio = central.radio;
  const peripheralAir = onAir(peripheral)!;
  const centralAir = ownAddress(central, init.ownAddressType, identityOf(central, peripheralAir))!;
  central.state.initiating = undefined;
  const failure = radio.faults.onConnect(central.address, peripheral.address);
  if (failure !== undefined) {
    sendConnectionComplete(central, failedConnectionFields(failure));
    return undefined;
  }
  peripheral.stopAdvertising();
  const link = new Link(init.conn.intervalMin, init.conn.latency, init.conn.timeout);
  link.central = new LinkEnd(central, central.allocateHandle(), ROLE.CENTRAL, link, peripheralAir);
  link.peripheral = new LinkEnd(peripheral, peripheral.allocateHandle(), ROLE.PERIPHERAL, link, centralAir);
  central.links.set(link.central.handle, link.central);
  peripheral.links.set(link.peripheral.handle, link.peripheral);
  sendConnectionComplete(central, completeFields(link.central, centralAir, link));
  sendConnectionComplete(peripheral, completeFields(link.peripheral, peripheralAir, link));
  autoDataLength(link);
  return link;
}

/** After connecting, each LL asks for its host's suggested data length (Vol 6 Part B 5.1.9). */
function autoDataLength(link: Link): void {
  const c = link.central.controller.state.suggestedDataLength;
  const p = link.peripheral.controller.state.suggestedDataLength;
  if (c.octets === DATA_LENGTH.MIN_OCTETS && p.octets === DATA_LENGTH.MIN_OCTETS) return;
  link.dataLength.toPeripheral = { octets: c.octets, time: c.time };
  link.dataLength.toCentral = { octets: p.octets, time: p.time };
  announceDataLength(link);
}

export function announceDataLength(link: Link): void {
  const { toPeripheral: tp, toCentral: tc } = link.dataLength;
  link.central.controller.send(leDataLengthChange(link.central.handle, tp.octets, tp.time, tc.octets, tc.time));
  link.peripheral.controller.send(leDataLengthChange(link.peripheral.handle, tc.octets, tc.time, tp.octets, tp.time));
}

/**
 * The link is gone. Each side's host gets Disconnection Complete with its own reason; packets
 * still held for the link are flushed (Vol 4 Part E 7.7.5: the host treats them as flushed).
 */
export function disconnect(link: Link, reasons: { central: number; peripheral: number }, quiet?: VirtualController): void {
  if (!link.open) return;
  link.open = false;
  link.cancelProcedures();
  link.toPeripheral.flush();
  link.toCentral.flush();
  for (const end of [link.central, link.peripheral]) {
    end.controller.forgetLink(end);
  }
  for (const end of [link.central, link.peripheral]) {
    const reason = end.role === ROLE.CENTRAL ? reasons.central : reasons.peripheral;
    if (!end.controller.closed && end.controller !== quiet) end.controller.send(disconnectionComplete(end.handle, reason));
  }
}

/** Both sides see the same reason (supervision timeout, LL response timeout, a fault). */
export function dropLink(link: Link, reason: number): void {
  disconnect(link, { central: reason, peripheral: reason });
}

/** Connect every waiting initiator that can now meet an advertiser. */
export function tryConnectAll(controllers: Iterable<VirtualController>): void {
  const all = [...controllers];
  for (const initiator of all) {
    const init = initiator.state.initiating;
    if (!init || initiator.closed) continue;
    const advertiser = all.find((a) => accepts(init, initiator, a));
    if (advertiser) establish(initiator, advertiser, init);
  }
}
