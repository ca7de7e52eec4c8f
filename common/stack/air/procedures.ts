// Link layer control procedures a host starts on a live link: connection update (directly or via
// the connection parameters request), data length update, PHY update, feature and version
// exchange. Core v5.4 Vol 6 Part B 5.1.1, 5.1.4-5.1.10; Vol 4 Part E 7.8.18, 7.8.21, 7.8.31-33, 7.8.49.
import { HCI_STATUS, LE_EVT, ROLE } from '../../base/codes/hci.js';
import { COMPANY_ID_TESTING, CORE_VERSION_5_4, LE_FEATURES, LMP_SUBVERSION, PHY, PHY_MASK } from './capabilities.js';
import { announceDataLength, dropLink } from './connection.js';
import type { LinkEnd } from './link.js';
import {
  leConnectionUpdateComplete,
  lePhyUpdateComplete,
  leReadRemoteFeaturesComplete,
  leRemoteConnectionParameterRequest,
  readRemoteVersionInformationComplete,
} from './events.js';
import type { ConnectionParameters } from './state.js';

/** LE Connection Update. Returns the Command Status. */
export function connectionUpdate(end: LinkEnd, p: ConnectionParameters): number {
  const link = end.link;
  if (link.paramRequest) return HCI_STATUS.COMMAND_DISALLOWED;
  if (end.role === ROLE.CENTRAL) {
    end.controller.afterCommand(() => applyParameters(end, p));
    return HCI_STATUS.SUCCESS;
  }
  // A peripheral asks through the connection parameters request procedure (Vol 6 Part B 5.1.7)
  const central = end.peer;
  const c = central.controller;
  if (!c.state.masks.allowsLe(LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST)) {
    // the central's host masked the request: its LL rejects with Unsupported Remote Feature (7.7.65.6)
    end.controller.afterCommand(() => end.controller.send(leConnectionUpdateComplete(HCI_STATUS.UNSUPPORTED_REMOTE_FEATURE, end.handle, link.interval, link.latency, link.timeout)));
    return HCI_STATUS.SUCCESS;
  }
  link.paramRequest = {
    from: end,
    cancelTimeout: c.radio.timers.after(c.radio.encryptionTimeoutMs, () => {
      link.paramRequest = undefined;
      dropLink(link, HCI_STATUS.LL_RESPONSE_TIMEOUT);
    }),
  };
  end.controller.afterCommand(() => c.send(leRemoteConnectionParameterRequest(central.handle, p.intervalMin, p.intervalMax, p.latency, p.timeout)));
  return HCI_STATUS.SUCCESS;
}

/** LE Remote Connection Parameter Request Reply (central's host accepts, maybe with other values). */
export function parameterRequestReply(central: LinkEnd, p: ConnectionParameters): number {
  const link = central.link;
  if (!link.paramRequest || central.role !== ROLE.CENTRAL) return HCI_STATUS.COMMAND_DISALLOWED;
  link.paramRequest.cancelTimeout();
  const asker = link.paramRequest.from;
  link.paramRequest = undefined;
  central.controller.afterCommand(() => applyParameters(asker, p));
  return HCI_STATUS.SUCCESS;
}

/** LE Remote Connection Parameter Request Negative Reply: the peripheral's host gets the reason. */
export function parameterRequestNegativeReply(central: LinkEnd, reason: number): number {
  const link = central.link;
  if (!link.paramRequest || central.role !== ROLE.CENTRAL) return HCI_STATUS.COMMAND_DISALLOWED;
  link.paramRequest.cancelTimeout();
  const asker = link.paramRequest.from;
  link.paramRequest = undefined;
  central.controller.afterCommand(() => {
    if (link.open) asker.controller.send(leConnectionUpdateComplete(reason, asker.handle, link.interval, link.latency, link.timeout));
  });
  return HCI_STATUS.SUCCESS;
}

/** New parameters take effect: the requesting host always hears, the peer only when something changed. */
function applyParameters(requester: LinkEnd, p: ConnectionParameters): void {
  const link = requester.link;
  if (!link.open) return;
  const changed = link.interval !== p.intervalMin || link.latency !== p.latency || link.timeout !== p.timeout;
  link.interval = p.intervalMin;
  link.latency = p.latency;
  link.timeout = p.timeout;
  for (const end of [requester, requester.peer]) {
    if (end === requester || changed) end.controller.send(leConnectionUpdateComplete(HCI_STATUS.SUCCESS, end.handle, link.interval, link.latency, link.timeout));
  }
}

/** LE Set Data Length: this side's transmit limits change; both hosts hear if they did (7.8.33). */
export function setDataLength(end: LinkEnd, octets: number, time: number): void {
  const link = end.link;
  const mine = end.role === ROLE.CENTRAL ? link.dataLength.toPeripheral : link.dataLength.toCentral;
  if (mine.octets === octets && mine.time === time) return;
  mine.octets = octets;
  mine.time = time;
  end.controller.afterCommand(() => {
    if (link.open) announceDataLength(link);
  });
}

/** The preference mask a controller works with (All_PHYs bit set: no preference). */
export function effectivePhys(allPhys: number, tx: number, rx: number): { tx: number; rx: number } {
  return { tx: allPhys & 0b01 ? PHY_MASK.ALL : tx, rx: allPhys & 0b10 ? PHY_MASK.ALL : rx };
}

function pickPhy(mask: number, current: number): number {
  if (mask & PHY_MASK.LE_2M) return PHY.LE_2M;
  if (mask & PHY_MASK.LE_1M) return PHY.LE_1M;
  if (mask & PHY_MASK.LE_CODED) return PHY.LE_CODED;
  return current;
}

/** LE Set PHY: both LLs agree on each direction from both preferences (Vol 6 Part B 5.1.10). */
export function setPhy(end: LinkEnd, prefs: { tx: number; rx: number }): void {
  const link = end.link;
  const peerDefaults = end.peer.controller.state.defaultPhy;
  const peer = effectivePhys(peerDefaults.allPhys, peerDefaults.tx, peerDefaults.rx);
  const outKey = end.role === ROLE.CENTRAL ? 'toPeripheral' : 'toCentral';
  const inKey = end.role === ROLE.CENTRAL ? 'toCentral' : 'toPeripheral';
  const tx = pickPhy(prefs.tx & peer.rx, link.phy[outKey]);
  const rx = pickPhy(prefs.rx & peer.tx, link.phy[inKey]);
  const changed = tx !== link.phy[outKey] || rx !== link.phy[inKey];
  link.phy[outKey] = tx;
  link.phy[inKey] = rx;
  end.controller.afterCommand(() => {
    if (!link.open) return;
    end.controller.send(lePhyUpdateComplete(HCI_STATUS.SUCCESS, end.handle, tx, rx));
    if (changed) end.peer.controller.send(lePhyUpdateComplete(HCI_STATUS.SUCCESS, end.peer.handle, rx, tx));
  });
}

/** LE Read Remote Features: the peer controller's LE features (Vol 6 Part B 5.1.4). */
export function readRemoteFeatures(end: LinkEnd): void {
  end.controller.afterCommand(() => {
    if (end.link.open) end.controller.send(leReadRemoteFeaturesComplete(HCI_STATUS.SUCCESS, end.handle, LE_FEATURES));
  });
}

/** Read Remote Version Information (Vol 6 Part B 5.1.5). */
export function readRemoteVersion(end: LinkEnd): void {
  end.controller.afterCommand(() => {
    if (end.link.open) end.controller.send(readRemoteVersionInformationComplete(HCI_STATUS.SUCCESS, end.handle, CORE_VERSION_5_4, COMPANY_ID_TESTING, LMP_SUBVERSION));
  });
}
