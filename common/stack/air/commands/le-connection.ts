// Connection commands: create (legacy: LE Extended Create Connection belongs to the LE Extended
// Advertising feature this controller does not have), cancel, disconnect, update, parameter request
// replies, remote features/version, data length, PHY, channel map.
// Core v5.4 Vol 4 Part E 7.1.6, 7.1.23, 7.8.12, 7.8.13, 7.8.18, 7.8.20, 7.8.21, 7.8.31-33, 7.8.47, 7.8.49.
import { HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { airAddressType, FILTER_POLICY, ownAddress } from '../advertising.js';
import { CONN_RANGE, DATA_LENGTH } from '../capabilities.js';
import { identityOf, sameIdentity } from '../privacy.js';
import { disconnect, failedConnectionFields, sendConnectionComplete, tryConnectAll } from '../connection.js';
import { connectionUpdate, effectivePhys, parameterRequestNegativeReply, parameterRequestReply, readRemoteFeatures, readRemoteVersion, setDataLength, setPhy } from '../procedures.js';
import type { ConnectionParameters, InitiatorState } from '../state.js';
import type { VirtualController } from '../controller.js';
import { phyPrefsValid } from './le-controller.js';
import { inRange, ok, OK, withLink, type CommandSpec } from './types.js';

/** Reasons a host may give in Disconnect (7.1.6). */
const DISCONNECT_REASONS: ReadonlySet<number> = new Set([
  HCI_STATUS.AUTHENTICATION_FAILURE,
  HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION,
  HCI_STATUS.REMOTE_DEVICE_TERMINATED_LOW_RESOURCES,
  HCI_STATUS.REMOTE_DEVICE_TERMINATED_POWER_OFF,
  HCI_STATUS.UNSUPPORTED_REMOTE_FEATURE,
  HCI_STATUS.PAIRING_WITH_UNIT_KEY_NOT_SUPPORTED,
  HCI_STATUS.UNACCEPTABLE_CONNECTION_PARAMETERS,
]);

/** Every channel used (7.8.20): 37 data channels. */
const ALL_DATA_CHANNELS = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]);

/** Connection parameters read at `at`: interval min, max, latency, supervision timeout (then CE lengths). */
function connParamsAt(p: Buffer, at: number): ConnectionParameters {
  return { intervalMin: p.readUInt16LE(at), intervalMax: p.readUInt16LE(at + 2), latency: p.readUInt16LE(at + 4), timeout: p.readUInt16LE(at + 6) };
}

/** 7.8.12 ranges, and the supervision timeout longer than (1 + latency) * interval max * 2. */
export function connParamsValid(p: ConnectionParameters): boolean {
  return (
    inRange(p.intervalMin, CONN_RANGE.INTERVAL_MIN, CONN_RANGE.INTERVAL_MAX) &&
    inRange(p.intervalMax, CONN_RANGE.INTERVAL_MIN, CONN_RANGE.INTERVAL_MAX) &&
    p.intervalMin <= p.intervalMax &&
    p.latency <= CONN_RANGE.LATENCY_MAX &&
    inRange(p.timeout, CONN_RANGE.TIMEOUT_MIN, CONN_RANGE.TIMEOUT_MAX) &&
    // timeout * 10 ms > (1 + latency) * intervalMax * 1.25 ms * 2
    p.timeout * 4 > (1 + p.latency) * p.intervalMax
  );
}

function scanWindowValid(interval: number, window: number): boolean {
  return inRange(interval, CONN_RANGE.SCAN_INTERVAL_MIN, CONN_RANGE.SCAN_INTERVAL_MAX) && inRange(window, CONN_RANGE.SCAN_INTERVAL_MIN, CONN_RANGE.SCAN_INTERVAL_MAX) && window <= interval;
}

function startInitiating(c: VirtualController, init: InitiatorState): number {
  if (c.state.initiating) return HCI_STATUS.COMMAND_DISALLOWED;
  if (init.filterPolicy > FILTER_POLICY.INITIATOR_USE_ACCEPT_LIST || init.peerAddressType > 0x03 || init.ownAddressType > 0x03 || !connParamsValid(init.conn)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  // No connection left to make: 0x07 Memory Capacity Exceeded (Zephyr's ull_central.c, ll_conn_acquire).
  if (c.connectionsFull) return HCI_STATUS.MEMORY_CAPACITY_EXCEEDED;
  const byAddress = init.filterPolicy !== FILTER_POLICY.INITIATOR_USE_ACCEPT_LIST;
  const target = { type: init.peerAddressType, address: init.peerAddress };
  if (!ownAddress(c, init.ownAddressType, byAddress ? target : undefined)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS; // random address never set
  if (byAddress) {
    const type = airAddressType(init.peerAddressType);
    for (const end of c.links.values()) {
      const onAirMatch = end.peerAir.type === type && end.peerAir.address.equals(init.peerAddress);
      if (onAirMatch || sameIdentity(identityOf(c, end.peerAir), target)) return HCI_STATUS.CONNECTION_ALREADY_EXISTS;
    }
  }
  c.state.initiating = init;
  c.afterCommand(() => tryConnectAll(c.radio.controllers));
  return OK;
}

export const leConnectionCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.8.12 LE Create Connection
  [
    OP.LE_CREATE_CONNECTION,
    {
      length: 25,
      answer: 'status',
      run: ({ c, params: p, opcode }) => {
        if (!scanWindowValid(p.readUInt16LE(0), p.readUInt16LE(2))) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        return startInitiating(c, { filterPolicy: p[4]!, peerAddressType: p[5]!, peerAddress: Buffer.from(p.subarray(6, 12)), ownAddressType: p[12]!, conn: connParamsAt(p, 13), opcode });
      },
    },
  ],
  // 7.8.13 LE Create Connection Cancel: Command Complete, then connection complete with 0x02
  [
    OP.LE_CREATE_CONNECTION_CANCEL,
    {
      length: 0,
      answer: 'complete',
      run: ({ c }) => {
        if (!c.state.initiating) return HCI_STATUS.COMMAND_DISALLOWED;
        c.state.initiating = undefined;
        c.afterCommand(() => sendConnectionComplete(c, failedConnectionFields(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER)));
        return ok().build();
      },
    },
  ],
  // 7.1.6 Disconnect: local host hears 0x16, the peer the given reason
  [
    OP.DISCONNECT,
    {
      length: 3,
      answer: 'status',
      run: (ctx) =>
        withLink(ctx, (end) => {
          const reason = ctx.params[2]!;
          if (!DISCONNECT_REASONS.has(reason)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
          const local = HCI_STATUS.CONNECTION_TERMINATED_BY_LOCAL_HOST;
          ctx.c.afterCommand(() => disconnect(end.link, end === end.link.central ? { central: local, peripheral: reason } : { central: reason, peripheral: local }));
          return OK;
        }),
    },
  ],
  // 7.1.23 Read Remote Version Information
  [OP.READ_REMOTE_VERSION_INFORMATION, { length: 2, answer: 'status', run: (ctx) => withLink(ctx, (end) => (readRemoteVersion(end), OK)) }],
  // 7.8.18 LE Connection Update
  [
    OP.LE_CONNECTION_UPDATE,
    {
      length: 14,
      answer: 'status',
      run: (ctx) =>
        withLink(ctx, (end) => {
          const p = connParamsAt(ctx.params, 2);
          return connParamsValid(p) ? connectionUpdate(end, p) : HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        }),
    },
  ],
  // 7.8.20 LE Read Channel Map
  [OP.LE_READ_CHANNEL_MAP, { length: 2, answer: 'complete', returns: 7, echoesHandle: true, run: (ctx) => withLink(ctx, (end) => ok().u16(end.handle).bytesOf(ALL_DATA_CHANNELS).build()) }],
  // 7.8.21 LE Read Remote Features
  [OP.LE_READ_REMOTE_FEATURES, { length: 2, answer: 'status', run: (ctx) => withLink(ctx, (end) => (readRemoteFeatures(end), OK)) }],
  // 7.8.31 / 7.8.32 Remote connection parameter request replies
  [
    OP.LE_REMOTE_CONNECTION_PARAMETER_REQUEST_REPLY,
    {
      length: 14,
      answer: 'complete',
      returns: 2,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const p = connParamsAt(ctx.params, 2);
          if (!connParamsValid(p)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
          const status = parameterRequestReply(end, p);
          return status === OK ? ok().u16(end.handle).build() : status;
        }),
    },
  ],
  [
    OP.LE_REMOTE_CONNECTION_PARAMETER_REQUEST_NEGATIVE_REPLY,
    {
      length: 3,
      answer: 'complete',
      returns: 2,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const status = parameterRequestNegativeReply(end, ctx.params[2]!);
          return status === OK ? ok().u16(end.handle).build() : status;
        }),
    },
  ],
  // 7.8.33 LE Set Data Length: TxOctets 0x001B..0x00FB, TxTime 0x0148..0x4290
  [
    OP.LE_SET_DATA_LENGTH,
    {
      length: 6,
      answer: 'complete',
      returns: 2,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const octets = ctx.params.readUInt16LE(2);
          const time = ctx.params.readUInt16LE(4);
          if (!inRange(octets, DATA_LENGTH.MIN_OCTETS, DATA_LENGTH.MAX_OCTETS) || !inRange(time, DATA_LENGTH.MIN_TIME, DATA_LENGTH.MAX_TIME)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
          setDataLength(end, octets, time);
          return ok().u16(end.handle).build();
        }),
    },
  ],
  // 7.8.47 LE Read PHY
  [
    OP.LE_READ_PHY,
    {
      length: 2,
      answer: 'complete',
      returns: 4,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const central = end === end.link.central;
          const { toPeripheral, toCentral } = end.link.phy;
          return ok().u16(end.handle).u8(central ? toPeripheral : toCentral).u8(central ? toCentral : toPeripheral).build();
        }),
    },
  ],
  // 7.8.49 LE Set PHY: Command Status, then LE PHY Update Complete
  [
    OP.LE_SET_PHY,
    {
      length: 7,
      answer: 'status',
      run: (ctx) =>
        withLink(ctx, (end) => {
          const [allPhys, tx, rx] = [ctx.params[2]!, ctx.params[3]!, ctx.params[4]!];
          const status = phyPrefsValid(allPhys, tx, rx);
          if (status !== OK) return status;
          setPhy(end, effectivePhys(allPhys, tx, rx));
          return OK;
        }),
    },
  ],
];
