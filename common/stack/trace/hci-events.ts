// HCI event parameters, LE Meta subevents included. Core v5.4 Vol 4 Part E 5.4.4 (packet), 7.7 (events),
// 7.7.65 (LE Meta subevents).
import { hex } from '../../base/codes/code-table.js';
import { EVT, LE_EVT, eventName, leEventName } from '../../base/codes/hci.js';
import { adSummary, parseAdStructures, type AdStructure } from './advertising-data.js';
import { ByteReader } from './bytes.js';
import { commandEntryName, parseReturnParameters } from './hci-commands.js';
import { layoutSummary, readLayout, type Layout } from './hci-fields.js';
import type { Summarizer } from './timeline.js';

/** Command Complete. 7.7.14. Return parameters are decoded into the same object for the common commands. */
export interface CommandCompleteFields {
  numHciCommandPackets: number;
  commandOpcode: number;
  commandName: string;
  status?: number;
  statusName?: string;
  /** Return parameters this decoder has no layout for. */
  returnParameters?: Buffer;
  [returnParameter: string]: unknown;
}
/** Command Status. 7.7.15. */
export interface CommandStatusFields {
  status: number;
  statusName: string;
  numHciCommandPackets: number;
  commandOpcode: number;
  commandName: string;
}
/** Disconnection Complete. 7.7.5. */
export interface DisconnectionCompleteFields {
  status: number;
  statusName: string;
  handle: number;
  reason: number;
  reasonName: string;
}
/** Encryption Change (v1 7.7.8, v2 7.7.8.2). */
export interface EncryptionChangeFields {
  status: number;
  statusName: string;
  handle: number;
  /** Encryption_Enabled as sent: 0x00 off, 0x01 on (AES-CCM on LE), 0x02 on (AES-CCM, BR/EDR). */
  encryptionEnabled: number;
  /** status 0x00 and Encryption_Enabled ≠ 0. */
  enabled: boolean;
  /** Encryption Change v2 only. */
  encryptionKeySize?: number;
}
/** Encryption Key Refresh Complete. 7.7.39. */
export interface EncryptionKeyRefreshFields {
  status: number;
  statusName: string;
  handle: number;
}
/** Number Of Completed Packets. 7.7.19. */
export interface NumberOfCompletedPacketsFields {
  handles: { handle: number; completed: number }[];
}
/** LE Connection Complete (7.7.65.1) and LE Enhanced Connection Complete (7.7.65.10). Interval in 1.25 ms, timeout in 10 ms units. */
export interface LeConnectionCompleteFields {
  subevent: number;
  status: number;
  statusName: string;
  handle: number;
  /** This controller's role on the link. */
  role: number;
  roleName: 'central' | 'peripheral' | 'reserved';
  peerAddressType: number;
  peerAddressTypeName: string;
  peerAddress: string;
  localResolvablePrivateAddress?: string;
  peerResolvablePrivateAddress?: string;
  connectionInterval: number;
  peripheralLatency: number;
  supervisionTimeout: number;
  centralClockAccuracy: number;
}
/** LE Long Term Key Request. 7.7.65.5. */
export interface LeLongTermKeyRequestFields {
  subevent: number;
  handle: number;
  randomNumber: string;
  encryptedDiversifier: number;
}
/** LE Connection Update Complete. 7.7.65.3. */
export interface LeConnectionUpdateCompleteFields {
  subevent: number;
  status: number;
  statusName: string;
  handle: number;
  connectionInterval: number;
  peripheralLatency: number;
  supervisionTimeout: number;
}
export interface AdvertisingReport {
  eventType: number;
  addressType: number;
  addressTypeName: string;
  address: string;
  data: Buffer;
  adStructures: AdStructure[];
  rssi: number;
}
/** LE Advertising Report (7.7.65.2) and LE Extended Advertising Report (7.7.65.13, with extra fields per report). */
export interface LeAdvertisingReportFields {
  subevent: number;
  reports: (AdvertisingReport & Record<string, unknown>)[];
}
/** Events and subevents this decoder has no layout for. */
export interface UnknownEventFields {
  eventCode: number;
  subevent?: number;
  parameters: Buffer;
}

type Custom = (r: ByteReader, into: Record<string, unknown>) => Summarizer<Record<string, unknown>> | void;
interface Format {
  parse: Layout | Custom;
  summarize?: Summarizer<Record<string, unknown>>;
}
const EVENTS = new Map<number, Format>();
const SUBEVENTS = new Map<number, Format>();

function evt(map: Map<number, Format>, code: number, parse: Layout | Custom, summarize?: Summarizer<Record<string, unknown>>): void {
  map.set(code, { parse, summarize: summarize ?? (Array.isArray(parse) ? layoutSummary(parse as Layout) : undefined) });
}

const statusText = (f: Record<string, unknown>, key = 'status') => `${hex(f[key] as number)} ${String(f[key + 'Name'])}`;

evt(EVENTS, EVT.DISCONNECTION_COMPLETE, [['status', 'status'], ['handle', 'handle'], ['reason', 'status']], (f) =>
  f.status === 0 ? `handle ${hex(f.handle as number, 4)}, reason ${statusText(f, 'reason')}` : `failed: status ${statusText(f)}, handle ${hex(f.handle as number, 4)}`,
);
const encryptionChange: Custom = (r, into) => {
  readLayout(r, [['status', 'status'], ['handle', 'handle'], ['encryptionEnabled', 'u8']], into);
  into.enabled = into.status === 0 && into.encryptionEnabled !== 0;
};
const encryptionSummary: Summarizer<Record<string, unknown>> = (f) =>
  `handle ${hex(f.handle as number, 4)}, status ${statusText(f)}, encryption ${f.enabled ? 'on' : 'off'}` +
  (f.encryptionKeySize !== undefined ? `, key size ${String(f.encryptionKeySize)}` : '');
evt(EVENTS, EVT.ENCRYPTION_CHANGE, encryptionChange, encryptionSummary);
evt(EVENTS, EVT.ENCRYPTION_CHANGE_V2, (r, into) => {
  encryptionChange(r, into);
  into.encryptionKeySize = r.u8('Encryption_Key_Size');
}, encryptionSummary);
evt(EVENTS, EVT.READ_REMOTE_VERSION_INFORMATION_COMPLETE, [['status', 'status'], ['handle', 'handle'], ['version', 'u8'], ['companyIdentifier', 'u16'], ['subversion', 'u16']]);
evt(EVENTS, EVT.COMMAND_COMPLETE, (r, into) => {
  const op = r.u16('Command_Opcode' /* after Num_HCI_Command_Packets */);
  into.commandOpcode = op;
  into.commandName = commandEntryName(op);
  return parseReturnParameters(op, r.rest(), into);
});
evt(EVENTS, EVT.COMMAND_STATUS, (r, into) => {
  readLayout(r, [['status', 'status']], into);
  into.numHciCommandPackets = r.u8('Num_HCI_Command_Packets');
  const op = r.u16('Command_Opcode');
  into.commandOpcode = op;
  into.commandName = commandEntryName(op);
}, (f) => `status ${statusText(f)}`);
evt(EVENTS, EVT.HARDWARE_ERROR, [['hardwareCode', 'u8']]);
evt(EVENTS, EVT.NUMBER_OF_COMPLETED_PACKETS, (r, into) => {
  const n = r.u8('Num_Handles');
  const handles: { handle: number; completed: number }[] = [];
  for (let i = 0; i < n; i++) handles.push({ handle: r.u16('Connection_Handle') & 0x0fff, completed: r.u16('Num_Completed_Packets') });
  into.handles = handles;
}, (f) => (f.handles as { handle: number; completed: number }[]).map((h) => `handle ${hex(h.handle, 4)}: ${h.completed} completed`).join(', '));
evt(EVENTS, EVT.DATA_BUFFER_OVERFLOW, [['linkType', 'u8']]);
evt(EVENTS, EVT.ENCRYPTION_KEY_REFRESH_COMPLETE, [['status', 'status'], ['handle', 'handle']]);
evt(EVENTS, EVT.AUTHENTICATED_PAYLOAD_TIMEOUT_EXPIRED, [['handle', 'handle']]);
evt(EVENTS, EVT.VENDOR, [['data', 'rest']]);

// LE Meta subevents, 7.7.65
const connectionSummary: Summarizer<Record<string, unknown>> = (f) =>
  f.status !== 0
    ? `failed: status ${statusText(f)}`
    : `handle ${hex(f.handle as number, 4)}, role ${String(f.roleName)}, peer ${String(f.peerAddress)} (${String(f.peerAddressTypeName)}), interval ${(f.connectionInterval as number) * 1.25} ms`;
const linkTail: Layout = [['connectionInterval', 'u16'], ['peripheralLatency', 'u16'], ['supervisionTimeout', 'u16'], ['centralClockAccuracy', 'u8']];
evt(SUBEVENTS, LE_EVT.CONNECTION_COMPLETE, [['status', 'status'], ['handle', 'handle'], ['role', 'role'], ['peerAddressType', 'addrType'], ['peerAddress', 'addr'], ...linkTail], connectionSummary);
evt(SUBEVENTS, LE_EVT.ENHANCED_CONNECTION_COMPLETE, [
  ['status', 'status'],
  ['handle', 'handle'],
  ['role', 'role'],
  ['peerAddressType', 'addrType'],
  ['peerAddress', 'addr'],
  ['localResolvablePrivateAddress', 'addr'],
  ['peerResolvablePrivateAddress', 'addr'],
  ...linkTail,
], connectionSummary);
evt(SUBEVENTS, LE_EVT.ADVERTISING_REPORT, (r, into) => {
  const n = r.u8('Num_Reports');
  const reports: AdvertisingReport[] = [];
  // Reports one after another (Vol 4 Part E 5.2 arrayed parameters; what controllers send and btmon reads).
  for (let i = 0; i < n; i++) {
    const rep: Record<string, unknown> = {};
    readLayout(r, [['eventType', 'u8'], ['addressType', 'addrType'], ['address', 'addr']], rep);
    const data = r.bytes(r.u8('Data_Length'), 'Data');
    rep.data = data;
    rep.adStructures = parseAdStructures(data);
    rep.rssi = r.i8('RSSI');
    reports.push(rep as unknown as AdvertisingReport);
  }
  into.reports = reports;
}, reportsSummary);
evt(SUBEVENTS, LE_EVT.CONNECTION_UPDATE_COMPLETE, [['status', 'status'], ['handle', 'handle'], ['connectionInterval', 'u16'], ['peripheralLatency', 'u16'], ['supervisionTimeout', 'u16']]);
evt(SUBEVENTS, LE_EVT.READ_REMOTE_FEATURES_COMPLETE, [['status', 'status'], ['handle', 'handle'], ['leFeatures', 'hex:8']]);
evt(SUBEVENTS, LE_EVT.LONG_TERM_KEY_REQUEST, [['handle', 'handle'], ['randomNumber', 'hex:8'], ['encryptedDiversifier', 'u16']], (f) =>
  `handle ${hex(f.handle as number, 4)}, EDIV ${hex(f.encryptedDiversifier as number, 4)}, Rand ${String(f.randomNumber)}`,
);
evt(SUBEVENTS, LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST, [['handle', 'handle'], ['intervalMin', 'u16'], ['intervalMax', 'u16'], ['maxLatency', 'u16'], ['timeout', 'u16']]);
evt(SUBEVENTS, LE_EVT.DATA_LENGTH_CHANGE, [['handle', 'handle'], ['maxTxOctets', 'u16'], ['maxTxTime', 'u16'], ['maxRxOctets', 'u16'], ['maxRxTime', 'u16']]);
evt(SUBEVENTS, LE_EVT.READ_LOCAL_P256_PUBLIC_KEY_COMPLETE, [['status', 'status'], ['localP256PublicKey', 'hex:64']], (f) => `status ${statusText(f)}`);
evt(SUBEVENTS, LE_EVT.GENERATE_DHKEY_COMPLETE, [['status', 'status'], ['dhKey', 'hex:32']], (f) => `status ${statusText(f)}`);
evt(SUBEVENTS, LE_EVT.DIRECTED_ADVERTISING_REPORT, [['numReports', 'u8'], ['reports', 'rest']]);
evt(SUBEVENTS, LE_EVT.PHY_UPDATE_COMPLETE, [['status', 'status'], ['handle', 'handle'], ['txPhy', 'u8'], ['rxPhy', 'u8']]);
evt(SUBEVENTS, LE_EVT.EXTENDED_ADVERTISING_REPORT, (r, into) => {
  const n = r.u8('Num_Reports');
  const reports: AdvertisingReport[] = [];
  for (let i = 0; i < n; i++) {
    const rep: Record<string, unknown> = {};
    readLayout(r, [
      ['eventType', 'u16'],
      ['addressType', 'addrType'],
      ['address', 'addr'],
      ['primaryPhy', 'u8'],
      ['secondaryPhy', 'u8'],
      ['advertisingSid', 'u8'],
      ['txPower', 'i8'],
      ['rssi', 'i8'],
      ['periodicAdvertisingInterval', 'u16'],
      ['directAddressType', 'addrType'],
      ['directAddress', 'addr'],
    ], rep);
    const data = r.bytes(r.u8('Data_Length'), 'Data');
    rep.data = data;
    rep.adStructures = parseAdStructures(data);
    reports.push(rep as unknown as AdvertisingReport);
  }
  into.reports = reports;
}, reportsSummary);
evt(SUBEVENTS, LE_EVT.SCAN_TIMEOUT, []);
evt(SUBEVENTS, LE_EVT.ADVERTISING_SET_TERMINATED, [['status', 'status'], ['advertisingHandle', 'u8'], ['handle', 'handle'], ['numCompletedExtendedAdvertisingEvents', 'u8']]);
evt(SUBEVENTS, LE_EVT.SCAN_REQUEST_RECEIVED, [['advertisingHandle', 'u8'], ['scannerAddressType', 'addrType'], ['scannerAddress', 'addr']]);
evt(SUBEVENTS, LE_EVT.CHANNEL_SELECTION_ALGORITHM, [['handle', 'handle'], ['channelSelectionAlgorithm', 'u8']]);

function reportsSummary(f: Record<string, unknown>): string {
  return (f.reports as AdvertisingReport[]).map((r) => `${r.address} (${r.addressTypeName}) RSSI ${r.rssi}${r.adStructures.length ? ', ' + adSummary(r.adStructures) : ''}`).join('; ');
}

const unknownSummary: Summarizer<Record<string, unknown>> = (f) => ((f.parameters as Buffer).length ? `parameters ${(f.parameters as Buffer).toString('hex')}` : '');

/** Name and fields of one event's parameters (the octets after code and length). Throws DecodeProblem. */
export function parseEvent(code: number, params: Buffer): { name: string; fields: Record<string, unknown>; summarize: Summarizer<Record<string, unknown>> } {
  const r = new ByteReader(params);
  const fields: Record<string, unknown> = {};
  let format: Format | undefined;
  let name: string;
  if (code === EVT.LE_META) {
    const sub = r.u8('Subevent_Code');
    fields.subevent = sub;
    name = leEventName(sub);
    format = SUBEVENTS.get(sub);
  } else if (code === EVT.COMMAND_COMPLETE) {
    fields.numHciCommandPackets = r.u8('Num_HCI_Command_Packets');
    format = EVENTS.get(code);
    name = '';
  } else {
    name = eventName(code);
    format = EVENTS.get(code);
  }
  if (!format) {
    fields.eventCode = code;
    fields.parameters = r.rest();
    return { name, fields, summarize: unknownSummary };
  }
  let summarize = format.summarize;
  if (typeof format.parse === 'function') {
    const s = format.parse(r, fields);
    if (s) summarize = s;
  } else readLayout(r, format.parse, fields);
  if (code === EVT.COMMAND_COMPLETE) name = `Command Complete (${String(fields.commandName)})`;
  else if (code === EVT.COMMAND_STATUS) name = `Command Status (${String(fields.commandName)})`;
  r.done(`the ${name} parameters`);
  return { name, fields, summarize: summarize ?? (() => '') };
}
