// LE controller configuration commands: event mask, buffers, features, addresses, lists, data
// length and PHY defaults, transmit power. Core v5.4 Vol 4 Part E 7.8.
import { ADDRESS_TYPE, HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { DATA_LENGTH, FILTER_ACCEPT_LIST_SIZE, LE_FEATURES, LE_SUPPORTED_STATES, PHY_MASK, TX_POWER } from '../capabilities.js';
import { FILTER_POLICY } from '../advertising.js';
import { filterAcceptKey } from '../state.js';
import type { VirtualController } from '../controller.js';
import { inRange, ok, type CommandSpec } from './types.js';

/** Address_Type 0xFF in the filter accept list: devices sending anonymous advertisements (7.8.16). */
const ANONYMOUS_ADDRESS_TYPE = 0xff;

/** Is the filter accept list in use by advertising, scanning or initiating right now? (7.8.15) */
function filterAcceptListInUse(c: VirtualController): boolean {
  const s = c.state;
  return (s.adv.enabled && s.adv.params.filterPolicy !== 0) || (s.scan.enabled && (s.scan.params.filterPolicy & FILTER_POLICY.SCAN_ACCEPT_LIST_ONLY) !== 0) || s.initiating?.filterPolicy === FILTER_POLICY.INITIATOR_USE_ACCEPT_LIST;
}

function changeFilterAcceptList(c: VirtualController, p: Buffer, add: boolean): number | Buffer {
  if (filterAcceptListInUse(c)) return HCI_STATUS.COMMAND_DISALLOWED;
  const type = p[0]!;
  if (type !== ADDRESS_TYPE.PUBLIC && type !== ADDRESS_TYPE.RANDOM && type !== ANONYMOUS_ADDRESS_TYPE) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  const key = filterAcceptKey(type, p.subarray(1, 7));
  const list = c.state.filterAcceptList;
  if (add) {
    if (!list.has(key) && list.size >= FILTER_ACCEPT_LIST_SIZE) return HCI_STATUS.MEMORY_CAPACITY_EXCEEDED;
    list.add(key);
  } else {
    list.delete(key);
  }
  return ok().build();
}

export function phyPrefsValid(allPhys: number, tx: number, rx: number): number {
  if (allPhys > 0b11) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  if ((tx | rx) & ~PHY_MASK.ALL) return HCI_STATUS.UNSUPPORTED_FEATURE_OR_PARAMETER_VALUE;
  // no preference bit clear but no PHY given (7.8.48)
  if ((!(allPhys & 0b01) && tx === 0) || (!(allPhys & 0b10) && rx === 0)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  return HCI_STATUS.SUCCESS;
}

export const leControllerCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.8.1
  [OP.LE_SET_EVENT_MASK, { length: 8, answer: 'complete', run: ({ c, params }) => ((c.state.masks.le = params.readBigUInt64LE(0)), ok().build()) }],
  // 7.8.2 LE Read Buffer Size [v1]: LE_ACL_Data_Packet_Length, Total_Num_LE_ACL_Data_Packets
  [OP.LE_READ_BUFFER_SIZE, { length: 0, answer: 'complete', returns: 3, run: ({ c }) => ok().u16(c.options.aclBufferSize).u8(c.options.aclBufferCount).build() }],
  // 7.8.3
  [OP.LE_READ_LOCAL_SUPPORTED_FEATURES, { length: 0, answer: 'complete', returns: 8, run: () => ok().bytesOf(LE_FEATURES).build() }],
  // 7.8.4 LE Set Random Address: not while legacy advertising, scanning or initiating
  [
    OP.LE_SET_RANDOM_ADDRESS,
    {
      length: 6,
      answer: 'complete',
      run: ({ c, params }) => {
        const s = c.state;
        if (s.adv.enabled || s.scan.enabled || s.initiating) return HCI_STATUS.COMMAND_DISALLOWED;
        s.randomAddress = Buffer.from(params);
        return ok().build();
      },
    },
  ],
  // 7.8.6
  [OP.LE_READ_ADVERTISING_PHYSICAL_CHANNEL_TX_POWER, { length: 0, answer: 'complete', returns: 1, run: () => ok().i8(TX_POWER.ADVERTISING_CHANNEL).build() }],
  // 7.8.14 - 7.8.17 Filter accept list
  [OP.LE_READ_FILTER_ACCEPT_LIST_SIZE, { length: 0, answer: 'complete', returns: 1, run: () => ok().u8(FILTER_ACCEPT_LIST_SIZE).build() }],
  [
    OP.LE_CLEAR_FILTER_ACCEPT_LIST,
    { length: 0, answer: 'complete', run: ({ c }) => (filterAcceptListInUse(c) ? HCI_STATUS.COMMAND_DISALLOWED : (c.state.filterAcceptList.clear(), ok().build())) },
  ],
  [OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, { length: 7, answer: 'complete', run: ({ c, params }) => changeFilterAcceptList(c, params, true) }],
  [OP.LE_REMOVE_DEVICE_FROM_FILTER_ACCEPT_LIST, { length: 7, answer: 'complete', run: ({ c, params }) => changeFilterAcceptList(c, params, false) }],
  // 7.8.19 LE Set Host Channel Classification: at least 2 channels used, bits 37..39 reserved
  [
    OP.LE_SET_HOST_CHANNEL_CLASSIFICATION,
    {
      length: 5,
      answer: 'complete',
      run: ({ params }) => {
        const used = [...params].reduce((n, b) => n + popcount(b), 0);
        return used < 2 || params[4]! & 0xe0 ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : ok().build();
      },
    },
  ],
  // 7.8.27
  [OP.LE_READ_SUPPORTED_STATES, { length: 0, answer: 'complete', returns: 8, run: () => ok().bytesOf(LE_SUPPORTED_STATES).build() }],
  // 7.8.34 / 7.8.35 Suggested default data length
  [
    OP.LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH,
    { length: 0, answer: 'complete', returns: 4, run: ({ c }) => ok().u16(c.state.suggestedDataLength.octets).u16(c.state.suggestedDataLength.time).build() },
  ],
  [
    OP.LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH,
    {
      length: 4,
      answer: 'complete',
      run: ({ c, params }) => {
        const octets = params.readUInt16LE(0);
        const time = params.readUInt16LE(2);
        if (!inRange(octets, DATA_LENGTH.MIN_OCTETS, DATA_LENGTH.MAX_OCTETS) || !inRange(time, DATA_LENGTH.MIN_TIME, DATA_LENGTH.MAX_TIME)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        c.state.suggestedDataLength = { octets, time };
        return ok().build();
      },
    },
  ],
  // 7.8.46 LE Read Maximum Data Length
  [
    OP.LE_READ_MAXIMUM_DATA_LENGTH,
    { length: 0, answer: 'complete', returns: 8, run: () => ok().u16(DATA_LENGTH.MAX_OCTETS).u16(DATA_LENGTH.MAX_TIME).u16(DATA_LENGTH.MAX_OCTETS).u16(DATA_LENGTH.MAX_TIME).build() },
  ],
  // 7.8.48 LE Set Default PHY
  [
    OP.LE_SET_DEFAULT_PHY,
    {
      length: 3,
      answer: 'complete',
      run: ({ c, params }) => {
        const [allPhys, tx, rx] = [params[0]!, params[1]!, params[2]!];
        const status = phyPrefsValid(allPhys, tx, rx);
        if (status !== HCI_STATUS.SUCCESS) return status;
        c.state.defaultPhy = { allPhys, tx, rx };
        return ok().build();
      },
    },
  ],
  // 7.8.74 LE Read Transmit Power: Min_TX_Power, Max_TX_Power
  [OP.LE_READ_TRANSMIT_POWER, { length: 0, answer: 'complete', returns: 2, run: () => ok().i8(TX_POWER.MIN_SUPPORTED).i8(TX_POWER.MAX_SUPPORTED).build() }],
];

function popcount(b: number): number {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
}
