// Scanning commands (legacy: the extended ones belong to the LE Extended Advertising feature this
// controller does not have, capabilities.ts). Core v5.4 Vol 4 Part E 7.8.10, 7.8.11.
import { HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { ownAddress } from '../advertising.js';
import type { ScanParameters } from '../state.js';
import type { VirtualController } from '../controller.js';
import { inRange, ok, type CommandSpec } from './types.js';

const SCAN_INTERVAL = { MIN: 0x0004, MAX: 0x4000 } as const;
const SCAN_TYPE = { PASSIVE: 0x00, ACTIVE: 0x01 } as const;
function scanBlockValid(type: number, interval: number, window: number): boolean {
  return type <= SCAN_TYPE.ACTIVE && inRange(interval, SCAN_INTERVAL.MIN, SCAN_INTERVAL.MAX) && inRange(window, SCAN_INTERVAL.MIN, SCAN_INTERVAL.MAX) && window <= interval;
}

function setParams(c: VirtualController, p: ScanParameters): Buffer | number {
  if (c.state.scan.enabled) return HCI_STATUS.COMMAND_DISALLOWED;
  if (p.ownAddressType > 0x03 || p.filterPolicy > 0x03) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  c.state.scan.params = p;
  return ok().build();
}

function enable(c: VirtualController, on: number, filterDuplicates: number): Buffer | number {
  const scan = c.state.scan;
  // LE_Scan_Enable and Filter_Duplicates: 0x00/0x01 each
  if (on > 1 || filterDuplicates > 0x01) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  if (!on) {
    scan.enabled = false;
    c.afterCommand(() => c.radio.scans.scanningChanged(c));
    return ok().build();
  }
  if (!ownAddress(c, scan.params.ownAddressType)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  const starting = !scan.enabled;
  scan.filterDuplicates = filterDuplicates !== 0;
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
        return setParams(c, { active: type === SCAN_TYPE.ACTIVE, interval, window, ownAddressType: p[5]!, filterPolicy: p[6]! });
      },
    },
  ],
  // 7.8.11 LE Set Scan Enable
  [OP.LE_SET_SCAN_ENABLE, { length: 2, answer: 'complete', run: ({ c, params }) => enable(c, params[0]!, params[1]!) }],
];
