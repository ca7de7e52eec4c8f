// Scanning commands, legacy and extended. Core v5.4 Vol 4 Part E 7.8.10, 7.8.11, 7.8.64, 7.8.65.
import { HCI_STATUS, OP } from '../../codes/hci.js';
import { ownAddress } from '../advertising.js';
import { PHY_MASK } from '../capabilities.js';
import type { ScanParameters } from '../state.js';
import type { VirtualController } from '../controller.js';
import { inRange, ok, type CommandSpec } from './types.js';

const SCAN_INTERVAL = { MIN: 0x0004, MAX: 0x4000 } as const;
const SCAN_TYPE = { PASSIVE: 0x00, ACTIVE: 0x01 } as const;
/** Octets per PHY in LE Set Extended Scan Parameters: type(1) interval(2) window(2). */
const EXT_SCAN_PHY_BLOCK = 5;
/** Scanning PHYs this controller can scan on (7.8.64): LE 1M and LE Coded. */
const SCANNABLE_PHYS = PHY_MASK.LE_1M | PHY_MASK.LE_CODED;

function phyCount(mask: number): number {
  return (mask & PHY_MASK.LE_1M ? 1 : 0) + (mask & PHY_MASK.LE_2M ? 1 : 0) + (mask & PHY_MASK.LE_CODED ? 1 : 0);
}

function scanBlockValid(type: number, interval: number, window: number): boolean {
  return type <= SCAN_TYPE.ACTIVE && inRange(interval, SCAN_INTERVAL.MIN, SCAN_INTERVAL.MAX) && inRange(window, SCAN_INTERVAL.MIN, SCAN_INTERVAL.MAX) && window <= interval;
}

function setParams(c: VirtualController, p: ScanParameters): Buffer | number {
  if (c.state.scan.enabled) return HCI_STATUS.COMMAND_DISALLOWED;
  if (p.ownAddressType > 0x03 || p.filterPolicy > 0x03) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  c.state.scan.params = p;
  return ok().build();
}

function enable(c: VirtualController, on: number, filterDuplicates: number, extended: boolean): Buffer | number {
  const scan = c.state.scan;
  // Filter_Duplicates: legacy 0x00/0x01; extended also 0x02 (reset each period, treated as 0x01)
  if (on > 1 || filterDuplicates > (extended ? 0x02 : 0x01)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  if (!on) {
    scan.enabled = false;
    c.afterCommand(() => c.radio.scans.scanningChanged(c));
    return ok().build();
  }
  if (!ownAddress(c, scan.params.ownAddressType)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  const starting = !scan.enabled;
  scan.filterDuplicates = filterDuplicates !== 0;
  scan.extended = extended;
  if (starting) {
    scan.enabled = true;
    scan.seen = new Set(); // the duplicate filter starts over with each scan enable
    c.afterCommand(() => c.radio.scans.scanningChanged(c));
  }
  return ok().build();
}

export const leScanningCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.8.10 LE Set Scan Parameters: type, interval, window, own address type, filter policy
  [
    OP.LE_SET_SCAN_PARAMETERS,
    {
      length: 7,
      answer: 'complete',
      run: ({ c, params: p }) => {
        const [type, interval, window] = [p[0]!, p.readUInt16LE(1), p.readUInt16LE(3)];
        if (!scanBlockValid(type, interval, window)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        return setParams(c, { active: type === SCAN_TYPE.ACTIVE, interval, window, ownAddressType: p[5]!, filterPolicy: p[6]!, phys: PHY_MASK.LE_1M });
      },
    },
  ],
  // 7.8.11 LE Set Scan Enable
  [OP.LE_SET_SCAN_ENABLE, { length: 2, answer: 'complete', run: ({ c, params }) => enable(c, params[0]!, params[1]!, false) }],
  // 7.8.64 LE Set Extended Scan Parameters: own type, filter policy, PHYs, then per PHY type/interval/window
  [
    OP.LE_SET_EXTENDED_SCAN_PARAMETERS,
    {
      length: (p) => p.length >= 3 && p.length === 3 + EXT_SCAN_PHY_BLOCK * phyCount(p[2]!),
      answer: 'complete',
      run: ({ c, params: p }) => {
        const phys = p[2]!;
        if (phys === 0) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        if (phys & ~SCANNABLE_PHYS) return HCI_STATUS.UNSUPPORTED_FEATURE_OR_PARAMETER_VALUE;
        let active = false;
        let first: { interval: number; window: number } | undefined;
        for (let i = 0; i < phyCount(phys); i++) {
          const at = 3 + i * EXT_SCAN_PHY_BLOCK;
          const [type, interval, window] = [p[at]!, p.readUInt16LE(at + 1), p.readUInt16LE(at + 3)];
          if (!scanBlockValid(type, interval, window)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
          active ||= type === SCAN_TYPE.ACTIVE;
          first ??= { interval, window };
        }
        return setParams(c, { active, interval: first!.interval, window: first!.window, ownAddressType: p[0]!, filterPolicy: p[1]!, phys });
      },
    },
  ],
  // 7.8.65 LE Set Extended Scan Enable: enable, filter duplicates, duration, period (scanning runs until disabled)
  [OP.LE_SET_EXTENDED_SCAN_ENABLE, { length: 6, answer: 'complete', run: ({ c, params }) => enable(c, params[0]!, params[1]!, true) }],
];
