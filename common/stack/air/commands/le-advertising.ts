// Legacy advertising commands. Core v5.4 Vol 4 Part E 7.8.5 - 7.8.9.
import { HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { advertisingPeer, isConnectable, LEGACY_ADV_DATA_MAX, ownAddress } from '../advertising.js';
import { ADV_TYPE } from '../state.js';
import type { VirtualController } from '../controller.js';
import { inRange, ok, type CommandSpec } from './types.js';

/** Advertising_Interval range, 0.625 ms units (7.8.5). */
const ADV_INTERVAL = { MIN: 0x0020, MAX: 0x4000 } as const;
/** Length octet + 31 octets of data (7.8.7, 7.8.8). */
const ADV_DATA_PARAM_LENGTH = 1 + LEGACY_ADV_DATA_MAX;

function setData(c: VirtualController, p: Buffer, which: 'data' | 'scanResponse'): number | Buffer {
  const length = p[0]!;
  if (length > LEGACY_ADV_DATA_MAX) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  c.state.adv[which] = Buffer.from(p.subarray(1, 1 + length)); // only the significant part goes on air
  c.radio.scans.advertisingChanged(c);
  return ok().build();
}

function enable(c: VirtualController, on: boolean): number | Buffer {
  const adv = c.state.adv;
  if (!on) {
    c.stopAdvertising();
    return ok().build();
  }
  if (!ownAddress(c, adv.params.ownAddressType, advertisingPeer(adv.params))) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS; // random address never set
  if (adv.enabled) return ok().build();
  // Connectable advertising needs room for one more connection; none left: 0x07 Memory Capacity
  // Exceeded (Zephyr's ull_adv.c when ll_conn_acquire finds no free connection).
  if (isConnectable(adv.params) && c.connectionsFull) return HCI_STATUS.MEMORY_CAPACITY_EXCEEDED;
  adv.enabled = true;
  if (adv.params.type === ADV_TYPE.ADV_DIRECT_IND_HIGH_DUTY) {
    // High duty cycle directed advertising gives up after 1.28 s (the radio's highDutyDirectedTimeoutMs): LE Connection Complete 0x3C
    adv.cancelDirectedTimeout = c.timers.after(c.radio.highDutyDirectedTimeoutMs, () => c.directedAdvertisingTimedOut());
  }
  c.afterCommand(() => c.radio.airChanged(c));
  return ok().build();
}

export const leAdvertisingCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.8.5 LE Set Advertising Parameters
  [
    OP.LE_SET_ADVERTISING_PARAMETERS,
    {
      length: 15,
      answer: 'complete',
      run: ({ c, params: p }) => {
        if (c.state.adv.enabled) return HCI_STATUS.COMMAND_DISALLOWED;
        const intervalMin = p.readUInt16LE(0);
        const intervalMax = p.readUInt16LE(2);
        const type = p[4]!;
        const [ownAddressType, peerAddressType, channelMap, filterPolicy] = [p[5]!, p[6]!, p[13]!, p[14]!];
        const directedHigh = type === ADV_TYPE.ADV_DIRECT_IND_HIGH_DUTY; // intervals ignored
        const intervalsOk = directedHigh || (inRange(intervalMin, ADV_INTERVAL.MIN, ADV_INTERVAL.MAX) && inRange(intervalMax, ADV_INTERVAL.MIN, ADV_INTERVAL.MAX) && intervalMin <= intervalMax);
        if (!intervalsOk || type > ADV_TYPE.ADV_DIRECT_IND_LOW_DUTY || ownAddressType > 0x03 || peerAddressType > 0x01 || channelMap === 0 || channelMap > 0x07 || filterPolicy > 0x03) {
          return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        }
        c.state.adv.params = { intervalMin, intervalMax, type, ownAddressType, peerAddressType, peerAddress: Buffer.from(p.subarray(7, 13)), channelMap, filterPolicy };
        return ok().build();
      },
    },
  ],
  [OP.LE_SET_ADVERTISING_DATA, { length: ADV_DATA_PARAM_LENGTH, answer: 'complete', run: ({ c, params }) => setData(c, params, 'data') }],
  [OP.LE_SET_SCAN_RESPONSE_DATA, { length: ADV_DATA_PARAM_LENGTH, answer: 'complete', run: ({ c, params }) => setData(c, params, 'scanResponse') }],
  // 7.8.9 LE Set Advertising Enable
  [
    OP.LE_SET_ADVERTISING_ENABLE,
    { length: 1, answer: 'complete', run: ({ c, params }) => (params[0]! > 1 ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : enable(c, params[0] === 1)) },
  ],
];
