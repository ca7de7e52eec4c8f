// HCI command parameters and their Command Complete return parameters. Core v5.4 Vol 4 Part E 5.4.1 (packet),
// 7.1 (link control), 7.3 (controller & baseband), 7.4 (informational), 7.5 (status), 7.8 (LE controller).
import { hex } from '../../base/codes/code-table.js';
import { OP, ocfOf, ogfOf, opcodeName } from '../../base/codes/hci.js';
import { parseAdStructures, adSummary, type AdStructure } from './advertising-data.js';
import { ByteReader, DecodeProblem } from './bytes.js';
import { addressTypeName, layoutSummary, readLayout, type Layout } from './hci-fields.js';
import type { Summarizer } from './timeline.js';

export interface HciCommandBase {
  opcode: number;
  ogf: number;
  ocf: number;
}
/** Disconnect. 7.1.6. */
export interface DisconnectFields extends HciCommandBase {
  handle: number;
  reason: number;
  reasonName: string;
}
/** Commands whose only parameter is a connection handle (Read RSSI, Read Encryption Key Size, LTK Negative Reply …). */
export interface HandleCommandFields extends HciCommandBase {
  handle: number;
}
/** LE Set Advertising Parameters. 7.8.5. Intervals in 0.625 ms units. */
export interface LeSetAdvertisingParametersFields extends HciCommandBase {
  advertisingIntervalMin: number;
  advertisingIntervalMax: number;
  advertisingType: number;
  ownAddressType: number;
  ownAddressTypeName: string;
  peerAddressType: number;
  peerAddressTypeName: string;
  peerAddress: string;
  advertisingChannelMap: number;
  advertisingFilterPolicy: number;
}
/** LE Set Advertising Data / Scan Response Data. 7.8.7, 7.8.8. */
export interface LeAdvertisingDataFields extends HciCommandBase {
  dataLength: number;
  data: Buffer;
  adStructures: AdStructure[];
}
/** LE Set Advertising Enable. 7.8.9. */
export interface LeSetAdvertisingEnableFields extends HciCommandBase {
  advertisingEnable: boolean;
}
/** LE Set Scan Parameters. 7.8.10. Interval and window in 0.625 ms units. */
export interface LeSetScanParametersFields extends HciCommandBase {
  scanType: number;
  scanInterval: number;
  scanWindow: number;
  ownAddressType: number;
  ownAddressTypeName: string;
  scanningFilterPolicy: number;
}
/** LE Set Scan Enable. 7.8.11. */
export interface LeSetScanEnableFields extends HciCommandBase {
  scanEnable: boolean;
  filterDuplicates: boolean;
}
/** LE Create Connection. 7.8.12. */
export interface LeCreateConnectionFields extends HciCommandBase {
  scanInterval: number;
  scanWindow: number;
  initiatorFilterPolicy: number;
  peerAddressType: number;
  peerAddressTypeName: string;
  peerAddress: string;
  ownAddressType: number;
  ownAddressTypeName: string;
  connectionIntervalMin: number;
  connectionIntervalMax: number;
  maxLatency: number;
  supervisionTimeout: number;
  minCeLength: number;
  maxCeLength: number;
}
/** LE Connection Update. 7.8.18. */
export interface LeConnectionUpdateFields extends HciCommandBase {
  handle: number;
  connectionIntervalMin: number;
  connectionIntervalMax: number;
  maxLatency: number;
  supervisionTimeout: number;
  minCeLength: number;
  maxCeLength: number;
}
/** LE Enable Encryption. 7.8.24. Hex in wire order. */
export interface LeEnableEncryptionFields extends HciCommandBase {
  handle: number;
  randomNumber: string;
  encryptedDiversifier: number;
  longTermKey: string;
}
/** LE Long Term Key Request Reply. 7.8.25. */
export interface LeLtkReplyFields extends HciCommandBase {
  handle: number;
  longTermKey: string;
}
/** Any command this decoder has no layout for: the parameters as they came. */
export interface UnknownCommandFields extends HciCommandBase {
  parameters: Buffer;
}

type Custom = (r: ByteReader, into: Record<string, unknown>) => void;
interface Format {
  params?: Layout | Custom;
  paramsSummary?: Summarizer<Record<string, unknown>>;
  returns?: Layout | Custom;
  returnsSummary?: Summarizer<Record<string, unknown>>;
}
const FORMATS = new Map<number, Format>();

const H: Layout = [['handle', 'handle']];
const S: Layout = [['status', 'status']];
const SH: Layout = [['status', 'status'], ['handle', 'handle']];

function cmd(op: number, params: Layout | Custom, returns?: Layout | Custom, sums?: { params?: Summarizer<Record<string, unknown>>; returns?: Summarizer<Record<string, unknown>> }): void {
  const f: Format = { params };
  if (returns) f.returns = returns;
  f.paramsSummary = sums?.params ?? (Array.isArray(params) ? layoutSummary(params as Layout) : undefined);
  if (returns) f.returnsSummary = sums?.returns ?? (Array.isArray(returns) ? layoutSummary(returns as Layout) : undefined);
  FORMATS.set(op, f);
}

const advertisingData: Custom = (r, into) => {
  const dataLength = r.u8('Advertising_Data_Length');
  if (dataLength > 31) throw new DecodeProblem(`Advertising_Data_Length ${dataLength} is over 31`);
  // The command always carries 31 data octets; only the first dataLength are significant. 7.8.7.
  const all = r.bytes(31, 'Advertising_Data');
  into.dataLength = dataLength;
  into.data = all.subarray(0, dataLength);
  into.adStructures = parseAdStructures(all.subarray(0, dataLength));
};
const adSum: Summarizer<Record<string, unknown>> = (f) => adSummary(f.adStructures as AdStructure[]);

const connParams: Layout = [
  ['connectionIntervalMin', 'u16'],
  ['connectionIntervalMax', 'u16'],
  ['maxLatency', 'u16'],
  ['supervisionTimeout', 'u16'],
  ['minCeLength', 'u16'],
  ['maxCeLength', 'u16'],
];

// Link control, 7.1
cmd(OP.DISCONNECT, [['handle', 'handle'], ['reason', 'status']], undefined, {
  params: (f) => `handle ${hex(f.handle as number, 4)}, reason ${hex(f.reason as number)} ${String(f.reasonName)}`,
});
cmd(OP.READ_REMOTE_VERSION_INFORMATION, H);
// Controller & baseband, 7.3
cmd(OP.SET_EVENT_MASK, [['eventMask', 'hex:8']], S);
cmd(OP.RESET, [], S);
cmd(OP.SET_EVENT_FILTER, [['filterType', 'u8'], ['filterParameters', 'rest']], S);
cmd(OP.WRITE_LOCAL_NAME, (r, into) => (into.localName = cString(r.bytes(248, 'Local_Name'))), S, { params: (f) => `"${String(f.localName)}"` });
cmd(OP.READ_LOCAL_NAME, [], (r, into) => {
  readLayout(r, S, into);
  into.localName = cString(r.bytes(248, 'Local_Name'));
}, { returns: (f) => `status ${String(f.statusName)}, "${String(f.localName)}"` });
cmd(OP.WRITE_SCAN_ENABLE, [['scanEnable', 'u8']], S);
cmd(OP.WRITE_CLASS_OF_DEVICE, [['classOfDevice', 'u24']], S);
cmd(OP.READ_TRANSMIT_POWER_LEVEL, [['handle', 'handle'], ['type', 'u8']], [...SH, ['txPowerLevel', 'i8']]);
cmd(OP.SET_CONTROLLER_TO_HOST_FLOW_CONTROL, [['flowControlEnable', 'u8']], S);
cmd(OP.HOST_BUFFER_SIZE, [['hostAclDataPacketLength', 'u16'], ['hostSynchronousDataPacketLength', 'u8'], ['hostTotalNumAclDataPackets', 'u16'], ['hostTotalNumSynchronousDataPackets', 'u16']], S);
cmd(OP.HOST_NUMBER_OF_COMPLETED_PACKETS, (r, into) => {
  const n = r.u8('Num_Handles');
  const handles: { handle: number; completed: number }[] = [];
  for (let i = 0; i < n; i++) handles.push({ handle: r.u16('Connection_Handle') & 0x0fff, completed: r.u16('Host_Num_Completed_Packets') });
  into.handles = handles;
}, undefined, { params: (f) => (f.handles as { handle: number; completed: number }[]).map((h) => `${hex(h.handle, 4)}: ${h.completed}`).join(', ') });
cmd(OP.WRITE_INQUIRY_MODE, [['inquiryMode', 'u8']], S);
cmd(OP.WRITE_SIMPLE_PAIRING_MODE, [['simplePairingMode', 'u8']], S);
cmd(OP.SET_EVENT_MASK_PAGE_2, [['eventMaskPage2', 'hex:8']], S);
cmd(OP.READ_LE_HOST_SUPPORT, [], [...S, ['leSupportedHost', 'u8'], ['unused', 'u8']]);
cmd(OP.WRITE_LE_HOST_SUPPORT, [['leSupportedHost', 'u8'], ['unused', 'u8']], S);
cmd(OP.WRITE_SECURE_CONNECTIONS_HOST_SUPPORT, [['secureConnectionsHostSupport', 'u8']], S);
cmd(OP.READ_AUTHENTICATED_PAYLOAD_TIMEOUT, H, [...SH, ['authenticatedPayloadTimeout', 'u16']]);
cmd(OP.WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT, [['handle', 'handle'], ['authenticatedPayloadTimeout', 'u16']], SH);
// Informational, 7.4
cmd(OP.READ_LOCAL_VERSION_INFORMATION, [], [...S, ['hciVersion', 'u8'], ['hciSubversion', 'u16'], ['lmpVersion', 'u8'], ['companyIdentifier', 'u16'], ['lmpSubversion', 'u16']]);
cmd(OP.READ_LOCAL_SUPPORTED_COMMANDS, [], [...S, ['supportedCommands', 'hex:64']], { returns: (f) => `status ${String(f.statusName)}` });
cmd(OP.READ_LOCAL_SUPPORTED_FEATURES, [], [...S, ['lmpFeatures', 'hex:8']]);
cmd(OP.READ_LOCAL_EXTENDED_FEATURES, [['pageNumber', 'u8']], [...S, ['pageNumber', 'u8'], ['maxPageNumber', 'u8'], ['extendedLmpFeatures', 'hex:8']]);
cmd(OP.READ_BUFFER_SIZE, [], [...S, ['aclDataPacketLength', 'u16'], ['synchronousDataPacketLength', 'u8'], ['totalNumAclDataPackets', 'u16'], ['totalNumSynchronousDataPackets', 'u16']]);
cmd(OP.READ_BD_ADDR, [], [...S, ['bdAddr', 'addr']]);
// Status, 7.5
cmd(OP.READ_RSSI, H, [...SH, ['rssi', 'i8']]);
cmd(OP.READ_ENCRYPTION_KEY_SIZE, H, [...SH, ['keySize', 'u8']]);
// LE controller, 7.8
cmd(OP.LE_SET_EVENT_MASK, [['leEventMask', 'hex:8']], S);
cmd(OP.LE_READ_BUFFER_SIZE, [], [...S, ['leAclDataPacketLength', 'u16'], ['totalNumLeAclDataPackets', 'u8']]);
cmd(OP.LE_READ_LOCAL_SUPPORTED_FEATURES, [], [...S, ['leFeatures', 'hex:8']]);
cmd(OP.LE_SET_RANDOM_ADDRESS, [['randomAddress', 'addr']], S);
cmd(OP.LE_SET_ADVERTISING_PARAMETERS, [
  ['advertisingIntervalMin', 'u16'],
  ['advertisingIntervalMax', 'u16'],
  ['advertisingType', 'u8'],
  ['ownAddressType', 'addrType'],
  ['peerAddressType', 'addrType'],
  ['peerAddress', 'addr'],
  ['advertisingChannelMap', 'u8'],
  ['advertisingFilterPolicy', 'u8'],
], S);
cmd(OP.LE_READ_ADVERTISING_PHYSICAL_CHANNEL_TX_POWER, [], [...S, ['txPowerLevel', 'i8']]);
cmd(OP.LE_SET_ADVERTISING_DATA, advertisingData, S, { params: adSum });
cmd(OP.LE_SET_SCAN_RESPONSE_DATA, advertisingData, S, { params: adSum });
cmd(OP.LE_SET_ADVERTISING_ENABLE, [['advertisingEnable', 'bool']], S);
cmd(OP.LE_SET_SCAN_PARAMETERS, [['scanType', 'u8'], ['scanInterval', 'u16'], ['scanWindow', 'u16'], ['ownAddressType', 'addrType'], ['scanningFilterPolicy', 'u8']], S);
cmd(OP.LE_SET_SCAN_ENABLE, [['scanEnable', 'bool'], ['filterDuplicates', 'bool']], S);
cmd(OP.LE_CREATE_CONNECTION, [
  ['scanInterval', 'u16'],
  ['scanWindow', 'u16'],
  ['initiatorFilterPolicy', 'u8'],
  ['peerAddressType', 'addrType'],
  ['peerAddress', 'addr'],
  ['ownAddressType', 'addrType'],
  ...connParams,
], undefined, { params: (f) => `peer ${String(f.peerAddress)} (${String(f.peerAddressTypeName)}), interval ${(f.connectionIntervalMin as number) * 1.25}-${(f.connectionIntervalMax as number) * 1.25} ms` });
cmd(OP.LE_CREATE_CONNECTION_CANCEL, [], S);
cmd(OP.LE_READ_FILTER_ACCEPT_LIST_SIZE, [], [...S, ['filterAcceptListSize', 'u8']]);
cmd(OP.LE_CLEAR_FILTER_ACCEPT_LIST, [], S);
cmd(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [['addressType', 'addrType'], ['address', 'addr']], S);
cmd(OP.LE_REMOVE_DEVICE_FROM_FILTER_ACCEPT_LIST, [['addressType', 'addrType'], ['address', 'addr']], S);
cmd(OP.LE_CONNECTION_UPDATE, [['handle', 'handle'], ...connParams]);
cmd(OP.LE_SET_HOST_CHANNEL_CLASSIFICATION, [['channelMap', 'hex:5']], S);
cmd(OP.LE_READ_CHANNEL_MAP, H, [...SH, ['channelMap', 'hex:5']]);
cmd(OP.LE_READ_REMOTE_FEATURES, H);
cmd(OP.LE_ENCRYPT, [['key', 'hex:16'], ['plaintextData', 'hex:16']], [...S, ['encryptedData', 'hex:16']]);
cmd(OP.LE_RAND, [], [...S, ['randomNumber', 'hex:8']]);
cmd(OP.LE_ENABLE_ENCRYPTION, [['handle', 'handle'], ['randomNumber', 'hex:8'], ['encryptedDiversifier', 'u16'], ['longTermKey', 'hex:16']]);
cmd(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [['handle', 'handle'], ['longTermKey', 'hex:16']], SH);
cmd(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, H, SH);
cmd(OP.LE_READ_SUPPORTED_STATES, [], [...S, ['leStates', 'hex:8']]);
cmd(OP.LE_REMOTE_CONNECTION_PARAMETER_REQUEST_REPLY, [['handle', 'handle'], ...connParams], SH);
cmd(OP.LE_REMOTE_CONNECTION_PARAMETER_REQUEST_NEGATIVE_REPLY, [['handle', 'handle'], ['reason', 'status']], SH);
cmd(OP.LE_SET_DATA_LENGTH, [['handle', 'handle'], ['txOctets', 'u16'], ['txTime', 'u16']], SH);
cmd(OP.LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH, [], [...S, ['suggestedMaxTxOctets', 'u16'], ['suggestedMaxTxTime', 'u16']]);
cmd(OP.LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH, [['suggestedMaxTxOctets', 'u16'], ['suggestedMaxTxTime', 'u16']], S);
cmd(OP.LE_READ_LOCAL_P256_PUBLIC_KEY, []);
cmd(OP.LE_GENERATE_DHKEY, [['remoteP256PublicKey', 'hex:64']]);
cmd(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, [['peerIdentityAddressType', 'addrType'], ['peerIdentityAddress', 'addr'], ['peerIrk', 'hex:16'], ['localIrk', 'hex:16']], S);
cmd(OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST, [['peerIdentityAddressType', 'addrType'], ['peerIdentityAddress', 'addr']], S);
cmd(OP.LE_CLEAR_RESOLVING_LIST, [], S);
cmd(OP.LE_READ_RESOLVING_LIST_SIZE, [], [...S, ['resolvingListSize', 'u8']]);
cmd(OP.LE_READ_PEER_RESOLVABLE_ADDRESS, [['peerIdentityAddressType', 'addrType'], ['peerIdentityAddress', 'addr']], [...S, ['peerResolvableAddress', 'addr']]);
cmd(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, [['peerIdentityAddressType', 'addrType'], ['peerIdentityAddress', 'addr']], [...S, ['localResolvableAddress', 'addr']]);
cmd(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [['addressResolutionEnable', 'bool']], S);
cmd(OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, [['rpaTimeout', 'u16']], S);
cmd(OP.LE_READ_MAXIMUM_DATA_LENGTH, [], [...S, ['supportedMaxTxOctets', 'u16'], ['supportedMaxTxTime', 'u16'], ['supportedMaxRxOctets', 'u16'], ['supportedMaxRxTime', 'u16']]);
cmd(OP.LE_READ_PHY, H, [...SH, ['txPhy', 'u8'], ['rxPhy', 'u8']]);
cmd(OP.LE_SET_DEFAULT_PHY, [['allPhys', 'u8'], ['txPhys', 'u8'], ['rxPhys', 'u8']], S);
cmd(OP.LE_SET_PHY, [['handle', 'handle'], ['allPhys', 'u8'], ['txPhys', 'u8'], ['rxPhys', 'u8'], ['phyOptions', 'u16']]);
cmd(OP.LE_SET_ADVERTISING_SET_RANDOM_ADDRESS, [['advertisingHandle', 'u8'], ['randomAddress', 'addr']], S);
cmd(OP.LE_SET_EXTENDED_ADVERTISING_PARAMETERS, [
  ['advertisingHandle', 'u8'],
  ['advertisingEventProperties', 'u16'],
  ['primaryAdvertisingIntervalMin', 'u24'],
  ['primaryAdvertisingIntervalMax', 'u24'],
  ['primaryAdvertisingChannelMap', 'u8'],
  ['ownAddressType', 'addrType'],
  ['peerAddressType', 'addrType'],
  ['peerAddress', 'addr'],
  ['advertisingFilterPolicy', 'u8'],
  ['advertisingTxPower', 'i8'],
  ['primaryAdvertisingPhy', 'u8'],
  ['secondaryAdvertisingMaxSkip', 'u8'],
  ['secondaryAdvertisingPhy', 'u8'],
  ['advertisingSid', 'u8'],
  ['scanRequestNotificationEnable', 'bool'],
], [...S, ['selectedTxPower', 'i8']]);
const extendedData: Custom = (r, into) => {
  readLayout(r, [['advertisingHandle', 'u8'], ['operation', 'u8'], ['fragmentPreference', 'u8'], ['dataLength', 'u8']], into);
  const data = r.bytes(into.dataLength as number, 'Advertising_Data');
  into.data = data;
  into.adStructures = parseAdStructures(data);
};
cmd(OP.LE_SET_EXTENDED_ADVERTISING_DATA, extendedData, S, { params: adSum });
cmd(OP.LE_SET_EXTENDED_SCAN_RESPONSE_DATA, extendedData, S, { params: adSum });
cmd(OP.LE_SET_EXTENDED_ADVERTISING_ENABLE, (r, into) => {
  into.enable = r.u8('Enable') !== 0;
  const n = r.u8('Num_Sets');
  const sets: { advertisingHandle: number; duration: number; maxExtendedAdvertisingEvents: number }[] = [];
  for (let i = 0; i < n; i++) sets.push({ advertisingHandle: r.u8('Advertising_Handle'), duration: r.u16('Duration'), maxExtendedAdvertisingEvents: r.u8('Max_Extended_Advertising_Events') });
  into.sets = sets;
}, S, { params: (f) => `${f.enable ? 'enable' : 'disable'} ${(f.sets as unknown[]).length || 'all'} set(s)` });
cmd(OP.LE_READ_MAXIMUM_ADVERTISING_DATA_LENGTH, [], [...S, ['maxAdvertisingDataLength', 'u16']]);
cmd(OP.LE_READ_NUMBER_OF_SUPPORTED_ADVERTISING_SETS, [], [...S, ['numSupportedAdvertisingSets', 'u8']]);
cmd(OP.LE_REMOVE_ADVERTISING_SET, [['advertisingHandle', 'u8']], S);
cmd(OP.LE_CLEAR_ADVERTISING_SETS, [], S);
const phyCount = (phys: number) => ((phys & 1) ? 1 : 0) + ((phys & 2) ? 1 : 0) + ((phys & 4) ? 1 : 0);
cmd(OP.LE_SET_EXTENDED_SCAN_PARAMETERS, (r, into) => {
  readLayout(r, [['ownAddressType', 'addrType'], ['scanningFilterPolicy', 'u8'], ['scanningPhys', 'u8']], into);
  const phys: { scanType: number; scanInterval: number; scanWindow: number }[] = [];
  for (let i = phyCount(into.scanningPhys as number); i > 0; i--) phys.push({ scanType: r.u8('Scan_Type'), scanInterval: r.u16('Scan_Interval'), scanWindow: r.u16('Scan_Window') });
  into.phys = phys;
}, S, { params: (f) => `own address ${String(f.ownAddressTypeName)}, PHYs ${hex(f.scanningPhys as number, 1)}` });
cmd(OP.LE_SET_EXTENDED_SCAN_ENABLE, [['enable', 'bool'], ['filterDuplicates', 'u8'], ['duration', 'u16'], ['period', 'u16']], S);
cmd(OP.LE_EXTENDED_CREATE_CONNECTION, (r, into) => {
  readLayout(r, [['initiatorFilterPolicy', 'u8'], ['ownAddressType', 'addrType'], ['peerAddressType', 'addrType'], ['peerAddress', 'addr'], ['initiatingPhys', 'u8']], into);
  const phys: Record<string, unknown>[] = [];
  for (let i = phyCount(into.initiatingPhys as number); i > 0; i--) {
    const p: Record<string, unknown> = {};
    readLayout(r, [['scanInterval', 'u16'], ['scanWindow', 'u16'], ...connParams], p);
    phys.push(p);
  }
  into.phys = phys;
}, undefined, { params: (f) => `peer ${String(f.peerAddress)} (${addressTypeName(f.peerAddressType as number)})` });
cmd(OP.LE_READ_TRANSMIT_POWER, [], [...S, ['minTxPower', 'i8'], ['maxTxPower', 'i8']]);
cmd(OP.LE_SET_PRIVACY_MODE, [['peerIdentityAddressType', 'addrType'], ['peerIdentityAddress', 'addr'], ['privacyMode', 'u8']], S);

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

function run(r: ByteReader, how: Layout | Custom, into: Record<string, unknown>): void {
  if (typeof how === 'function') how(r, into);
  else readLayout(r, how, into);
}

/** 'HCI LE Set Scan Enable'. Opcode 0x0000 is the No Operation opcode (7.7.14). */
export function commandEntryName(op: number): string {
  return op === 0 ? 'No Operation' : opcodeName(op);
}

/** Parse command parameters into fields (opcode/ogf/ocf plus the command's own). Throws DecodeProblem. */
export function parseCommandParameters(op: number, params: Buffer): { fields: Record<string, unknown>; summarize: Summarizer<Record<string, unknown>> } {
  const fields: Record<string, unknown> = { opcode: op, ogf: ogfOf(op), ocf: ocfOf(op) };
  const format = FORMATS.get(op);
  if (!format?.params) {
    fields.parameters = params;
    return { fields, summarize: unknownSummary };
  }
  const r = new ByteReader(params);
  run(r, format.params, fields);
  r.done(`the ${commandEntryName(op)} parameters`);
  return { fields, summarize: format.paramsSummary ?? noSummary };
}

const noSummary: Summarizer<Record<string, unknown>> = () => '';
const unknownSummary: Summarizer<Record<string, unknown>> = (f) => {
  const p = f.parameters as Buffer;
  return p.length ? `parameters ${p.toString('hex')}` : '';
};

/**
 * Parse Command Complete return parameters into `into`. Commands without a layout get `status` when at
 * least one octet is there (nearly every command returns Status first) and `returnParameters` for the
 * rest. A failed command may return only its status: that is accepted.
 */
export function parseReturnParameters(op: number, ret: Buffer, into: Record<string, unknown>): Summarizer<Record<string, unknown>> {
  const format = FORMATS.get(op);
  if (op === 0) {
    if (ret.length) throw new DecodeProblem(`No Operation carries no return parameters, got ${ret.length} octets`);
    return noSummary;
  }
  if (!format?.returns) {
    const r = new ByteReader(ret);
    if (r.remaining) readLayout(r, S, into);
    into.returnParameters = r.rest();
    return statusOnlySummary;
  }
  const r = new ByteReader(ret);
  try {
    run(r, format.returns, into);
    r.done(`the ${commandEntryName(op)} return parameters`);
  } catch (e) {
    // Vol 4 Part E 7.7.14: on an error status some controllers return the status alone.
    if (ret.length >= 1 && ret[0] !== 0 && e instanceof DecodeProblem) {
      for (const k of Object.keys(into)) if (!['numHciCommandPackets', 'commandOpcode', 'commandName'].includes(k)) delete into[k];
      readLayout(new ByteReader(ret, 0, 1), S, into);
      into.returnParameters = ret.subarray(1);
      return statusOnlySummary;
    }
    throw e;
  }
  return format.returnsSummary ?? statusOnlySummary;
}

const statusOnlySummary: Summarizer<Record<string, unknown>> = (f) =>
  f.status === undefined ? '' : `status ${hex(f.status as number)} ${String(f.statusName)}`;

/** Whether a Command Complete for this opcode can be decoded beyond its status. */
export function hasReturnLayout(op: number): boolean {
  return FORMATS.get(op)?.returns !== undefined;
}
