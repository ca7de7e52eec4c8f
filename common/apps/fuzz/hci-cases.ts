// HCI events with wrong lengths, as a broken controller would hand them to the role's host: each
// event's parameters cut short of what Core v5.4 Vol 4 Part E 7.7 says they hold, or padded past it,
// or with counts (Num_Handles, Num_Reports, Data_Length) that promise more than follows. The H4
// length octet itself is always right (a wrong one would desynchronise the stream, not the host).
// Connection handles are ones no link uses, so a host that parses correctly changes nothing.
import { params } from '../../stack/air/bytes.js';
import { EVT, H4, HCI_STATUS, LE_EVT, OP, eventName, leEventName } from '../../base/codes/hci.js';
import type { Prng } from './prng.js';

/** A connection handle no virtual link gets in a fuzz run (they count up from 0x0001). */
export const UNUSED_HANDLE = 0x0eee;
/** Event parameters are at most 255 octets (one length octet). Vol 4 Part E 5.4.4. */
const MAX_EVENT_PARAMS = 0xff;
/** Commands noble and bleno send whose Command Complete they parse, with their return parameters' length after Status (Vol 4 Part E 7). */
const PARSED_COMMANDS: ReadonlyArray<readonly [number, number]> = [
  [OP.RESET, 0], [OP.READ_LOCAL_VERSION_INFORMATION, 8], [OP.READ_BD_ADDR, 6], [OP.LE_READ_BUFFER_SIZE, 3], [OP.READ_BUFFER_SIZE, 7],
  [OP.LE_SET_ADVERTISING_ENABLE, 0], [OP.LE_SET_SCAN_ENABLE, 0], [OP.LE_SET_ADVERTISING_PARAMETERS, 0], [OP.READ_RSSI, 3],
  [OP.LE_LONG_TERM_KEY_REQUEST_REPLY, 2], [OP.LE_READ_LOCAL_SUPPORTED_FEATURES, 8], [OP.READ_LE_HOST_SUPPORT, 2], [OP.LE_SET_SCAN_PARAMETERS, 0],
];
/** Vendor-specific command opcodes (OGF 0x3F): no host here sent them. */
const VENDOR_OPCODE = 0xfc3f;
/** Plausible field values for the templates: a 30 ms interval, 720 ms supervision timeout, 251-octet data length. */
const CONN = { INTERVAL: 0x0018, LATENCY: 0, TIMEOUT: 0x0048 } as const;
const DATA_LENGTH = { OCTETS: 251, TIME_US: 2120 } as const;
/** Read Remote Version Information Complete: Core 5.4 (0x0D), a company identifier, a subversion. */
const REMOTE_VERSION = { VERSION: 0x0d, COMPANY: 0x05f1, SUBVERSION: 1 } as const;

interface Template {
  name: string;
  code: number;
  body: Buffer;
  /** Padding past the spec length is harmless only when nothing in the event names a live link or command. */
  mayExtend: boolean;
}

function le(sub: number, body: Buffer, mayExtend = false): Template {
  return { name: leEventName(sub), code: EVT.LE_META, body: Buffer.concat([Buffer.from([sub]), body]), mayExtend };
}

function ev(code: number, body: Buffer, mayExtend = false): Template {
  return { name: eventName(code), code, body, mayExtend };
}

const addr = (rng: Prng) => rng.bytes(6);

function template(rng: Prng): Template {
  const h = UNUSED_HANDLE;
  return rng.weighted<() => Template>([
    [2, () => ev(EVT.DISCONNECTION_COMPLETE, params().u8(0).u16(h).u8(HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION).build())],
    [2, () => ev(EVT.ENCRYPTION_CHANGE, params().u8(0).u16(h).u8(1).build())],
    [3, () => {
      const [opcode, returns] = rng.pick(PARSED_COMMANDS);
      return ev(EVT.COMMAND_COMPLETE, params().u8(1).u16(opcode).u8(0).bytesOf(rng.bytes(returns)).build());
    }],
    [1, () => ev(EVT.COMMAND_COMPLETE, params().u8(1).u16(VENDOR_OPCODE).u8(0).build(), true)],
    [2, () => ev(EVT.COMMAND_STATUS, params().u8(0).u8(1).u16(rng.pick([OP.LE_CREATE_CONNECTION, OP.DISCONNECT, OP.LE_ENABLE_ENCRYPTION, VENDOR_OPCODE])).build())],
    [1, () => ev(EVT.COMMAND_STATUS, params().u8(0).u8(1).u16(VENDOR_OPCODE).build(), true)],
    [2, () => ev(EVT.NUMBER_OF_COMPLETED_PACKETS, params().u8(rng.int(1, 4)).u16(h).u16(1).build())], // Num_Handles promises more
    [1, () => ev(EVT.NUMBER_OF_COMPLETED_PACKETS, params().u8(0).build(), true)],
    [1, () => ev(EVT.READ_REMOTE_VERSION_INFORMATION_COMPLETE, params().u8(0).u16(h).u8(REMOTE_VERSION.VERSION).u16(REMOTE_VERSION.COMPANY).u16(REMOTE_VERSION.SUBVERSION).build())],
    [1, () => ev(EVT.ENCRYPTION_KEY_REFRESH_COMPLETE, params().u8(0).u16(h).build())],
    [1, () => ev(EVT.DATA_BUFFER_OVERFLOW, params().u8(1).build())],
    [2, () => le(LE_EVT.CONNECTION_COMPLETE, params().u8(0).u16(h).u8(0).u8(0).bytesOf(addr(rng)).u16(CONN.INTERVAL).u16(CONN.LATENCY).u16(CONN.TIMEOUT).u8(0).build())],
    [2, () => le(LE_EVT.ENHANCED_CONNECTION_COMPLETE, params().u8(0).u16(h).u8(0).u8(0).bytesOf(addr(rng)).zeros(12).u16(CONN.INTERVAL).u16(CONN.LATENCY).u16(CONN.TIMEOUT).u8(0).build())],
    [3, () => {
      // Num_Reports and Data_Length promise more than follows
      const w = params().u8(rng.int(1, 3)).u8(rng.int(0, 4)).u8(rng.int(0, 1)).bytesOf(addr(rng)).u8(rng.int(0, 31)).bytesOf(rng.bytes(rng.int(0, 8)));
      return le(LE_EVT.ADVERTISING_REPORT, w.build());
    }],
    [2, () => le(LE_EVT.CONNECTION_UPDATE_COMPLETE, params().u8(0).u16(h).u16(CONN.INTERVAL).u16(CONN.LATENCY).u16(CONN.TIMEOUT).build())],
    [1, () => le(LE_EVT.READ_REMOTE_FEATURES_COMPLETE, params().u8(0).u16(h).bytesOf(Buffer.alloc(8)).build())],
    [2, () => le(LE_EVT.LONG_TERM_KEY_REQUEST, params().u16(h).bytesOf(Buffer.alloc(8)).u16(0).build())],
    [1, () => le(LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST, params().u16(h).u16(6).u16(12).u16(0).u16(100).build())],
    [1, () => le(LE_EVT.DATA_LENGTH_CHANGE, params().u16(h).u16(DATA_LENGTH.OCTETS).u16(DATA_LENGTH.TIME_US).u16(DATA_LENGTH.OCTETS).u16(DATA_LENGTH.TIME_US).build())],
    [1, () => le(LE_EVT.PHY_UPDATE_COMPLETE, params().u8(0).u16(h).u8(1).u8(1).build())],
    [1, () => le(LE_EVT.CHANNEL_SELECTION_ALGORITHM, params().u16(h).u8(1).build())],
    [1, () => le(rng.pick([0x00, 0x15, 0x3f, 0xff]), rng.bytes(rng.int(0, 12)), true)], // unknown subevent
    [1, () => ({ name: 'LE Meta without a subevent', code: EVT.LE_META, body: Buffer.alloc(0), mayExtend: false })],
    [1, () => ev(rng.pick([0x00, 0x3f, 0x60, 0xfe]), rng.bytes(rng.int(0, 12)), true)], // unassigned event code
  ])();
}

export interface HciEventCase {
  name: string;
  packet: Buffer;
}

function packet(code: number, body: Buffer): Buffer {
  const b = body.subarray(0, MAX_EVENT_PARAMS);
  return Buffer.concat([Buffer.from([H4.EVENT, code, b.length]), b]);
}

/** One event whose parameters are shorter (or, where harmless, longer) than the spec says. */
export function hciEventCase(rng: Prng): HciEventCase {
  const t = template(rng);
  if (t.mayExtend && rng.chance(0.5)) {
    const extra = rng.int(1, MAX_EVENT_PARAMS - t.body.length);
    return { name: `HCI ${t.name}, ${extra} octets too long`, packet: packet(t.code, Buffer.concat([t.body, rng.bytes(extra)])) };
  }
  // An LE Meta event keeps its subevent code (else it is the "without a subevent" case)
  const min = t.code === EVT.LE_META && t.body.length > 0 ? 1 : 0;
  const len = t.body.length <= min ? min : rng.int(min, t.body.length - 1);
  return { name: `HCI ${t.name}, parameters cut to ${len} of ${t.body.length}`, packet: packet(t.code, t.body.subarray(0, len)) };
}
