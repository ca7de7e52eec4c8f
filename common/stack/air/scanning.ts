// What scanners hear: LE Advertising Reports (legacy scanning only), scan responses
// for active scanners, duplicate filtering, and repeats at the advertiser's interval while someone
// scans without duplicate filtering. Core v5.4 Vol 6 Part B 4.4.3 (scanning state),
// Vol 4 Part E 7.8.11 (Filter_Duplicates), 7.7.65.2.
import { ADDRESS_TYPE } from '../../base/codes/hci.js';
import {
  FILTER_POLICY,
  inFilterAcceptList,
  isDirected,
  isDirectedAt,
  legacyReportTypes,
  onAir,
  ownAddress,
  type OnAirAddress,
} from './advertising.js';
import { leAdvertisingReport } from './events.js';
import { ignoredByPrivacyMode, resolvePeer } from './privacy.js';
import type { Cancel } from './timers.js';
import type { VirtualController } from './controller.js';
import type { Radio } from './radio.js';

/** Advertising interval unit, 0.625 ms (7.8.5). */
const ADV_INTERVAL_UNIT_MS = 0.625;

export class ScanEngine {
  /** Per advertiser: the timer that repeats its advertising events while non-filtering scanners listen. */
  private readonly repeaters = new Map<VirtualController, Cancel>();

  constructor(private readonly radio: Radio) {}

  /** An advertiser started, stopped or changed: scanners hear a new advertiser at once. */
  advertisingChanged(advertiser: VirtualController): void {
    if (onAir(advertiser)) {
      for (const s of this.radio.controllers) if (s !== advertiser && s.state.scan.enabled) this.deliver(s, advertiser);
    }
    this.reconcile();
  }

  /** A scanner started or stopped: a new scanner hears every advertiser on air at once. */
  scanningChanged(scanner: VirtualController): void {
    if (scanner.state.scan.enabled) {
      for (const a of this.radio.controllers) if (a !== scanner) this.deliver(scanner, a);
    }
    this.reconcile();
  }

  /** Start repeat timers where someone scans without duplicate filtering; stop the rest. */
  reconcile(): void {
    const all = [...this.radio.controllers];
    for (const adv of all) {
      const needed = onAir(adv) !== undefined && all.some((s) => s !== adv && repeats(s));
      const running = this.repeaters.get(adv);
      if (needed && !running) {
        const period = Math.max(this.radio.minAdvertisingIntervalMs, adv.state.adv.params.intervalMin * ADV_INTERVAL_UNIT_MS);
        const cancel = this.radio.timers.every(period, () => {
          for (const s of this.radio.controllers) if (s !== adv && repeats(s)) this.deliver(s, adv);
        });
        this.repeaters.set(adv, cancel);
      } else if (!needed && running) {
        running();
        this.repeaters.delete(adv);
      }
    }
  }

  close(): void {
    for (const cancel of this.repeaters.values()) cancel();
    this.repeaters.clear();
  }

  /**
   * One advertising event of `advertiser` as `scanner` hears it (plus the scan response when active).
   * With address resolution on, a resolved advertiser is reported by its identity, address type
   * 0x02/0x03 (7.7.65.2); one in network privacy mode showing its identity address is not heard.
   */
  private deliver(scanner: VirtualController, advertiser: VirtualController): void {
    const from = onAir(advertiser);
    const scan = scanner.state.scan;
    if (!from || !scan.enabled || scanner.closed) return;
    if (ignoredByPrivacyMode(scanner, from)) return;
    const resolved = resolvePeer(scanner, from);
    const identity = resolved ? { type: resolved.entry.peerIdentityType, address: resolved.entry.peerIdentity } : from;
    const p = advertiser.state.adv.params;
    const me = ownAddress(scanner, scan.params.ownAddressType, identity) ?? { type: ADDRESS_TYPE.PUBLIC, address: scanner.addressBytes };
    // Scanning_Filter_Policy 0x01/0x03: only advertisers in the filter accept list (7.8.10)
    if (scan.params.filterPolicy & FILTER_POLICY.SCAN_ACCEPT_LIST_ONLY && !inFilterAcceptList(scanner, from)) return;
    const directed = isDirected(p);
    if (directed && !isDirectedAt(advertiser, me)) return;
    const types = legacyReportTypes(p);
    const rssi = advertiser.options.rssi;
    // Address_Type 0x02/0x03: Public/Random Identity Address, resolved by the controller
    const reported: OnAirAddress = resolved ? { type: identity.type + ADDRESS_TYPE.PUBLIC_IDENTITY, address: identity.address } : from;
    this.report(scanner, reported, types.adv, directed ? Buffer.alloc(0) : advertiser.state.adv.data, rssi);
    // Active scanning: SCAN_REQ -> SCAN_RSP, unless the advertiser filters scan requests (policy 0x01/0x03)
    const scanRequestHeard = !ignoredByPrivacyMode(advertiser, me) && !(p.filterPolicy & FILTER_POLICY.ADV_SCAN_REQUESTS_FROM_LIST && !inFilterAcceptList(advertiser, me));
    if (scan.params.active && types.scanRsp && scanRequestHeard) {
      this.report(scanner, reported, types.scanRsp, advertiser.state.adv.scanResponse, rssi);
    }
  }

  private report(scanner: VirtualController, from: OnAirAddress, advType: number, data: Buffer, rssi: number): void {
    const scan = scanner.state.scan;
    if (scan.filterDuplicates) {
      const key = `${from.type}/${from.address.toString('hex')}/${advType}`;
      if (scan.seen.has(key)) return;
      scan.seen.add(key);
    }
    scanner.send(leAdvertisingReport({ addressType: from.type, address: from.address, data, rssi, eventType: advType }));
  }
}

function repeats(s: VirtualController): boolean {
  return s.state.scan.enabled && !s.state.scan.filterDuplicates && !s.closed;
}
