import { describe, expect, it } from 'vitest';
import { ATT_ERROR_TABLE, ATT_OPCODE_TABLE, attError } from '../../common/base/codes/att.js';
import { LE_EVT, OP } from '../../common/base/codes/hci.js';
import { SMP_CODE_TABLE, SMP_REASON_TABLE, pairingMethod, smpReason } from '../../common/base/codes/smp.js';
import { decodeAttForTimeline } from '../../common/stack/trace/att-decode.js';
import { decodeLeSignaling } from '../../common/stack/trace/signaling-decode.js';
import { decodeSmp } from '../../common/stack/trace/smp-decode.js';
import { PacketDecoder } from '../../common/stack/trace/packet-decoder.js';
import { TraceEntry, type Decoded } from '../../common/stack/trace/timeline.js';
import { cc, cmd, evt, le } from './packets.js';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const entry = (d: Decoded<object>) => new TraceEntry(0, 0, 'rx', d);

describe('every ATT PDU of Vol 3 Part F 3.4 decodes with its fields', () => {
  const cases: [string, string, Record<string, unknown>, RegExp?][] = [
    ['01 0a 0300 05', 'ATT Error Response', { requestOpcode: 0x0a, attributeHandle: 3, errorCode: 5, errorName: 'Insufficient Authentication' }],
    ['02 0001', 'ATT Exchange MTU Request', { mtu: 256 }, /client Rx MTU 256/],
    ['03 f700', 'ATT Exchange MTU Response', { mtu: 247 }, /server Rx MTU 247/],
    ['04 0100 ffff', 'ATT Find Information Request', { startingHandle: 1, endingHandle: 0xffff }, /handles 0x0001-0xFFFF/],
    ['05 01 0100 0028 0200 0328', 'ATT Find Information Response', { format: 1, information: [{ handle: 1, uuid: '0x2800' }, { handle: 2, uuid: '0x2803' }] }],
    ['05 02 0500 ' + 'fb349b5f800000800010000001180000', 'ATT Find Information Response', { format: 2, information: [{ handle: 5, uuid: '00001801-0000-1000-8000-00805F9B34FB' }] }],
    ['06 0100 ffff 0028 0f18', 'ATT Find By Type Value Request', { startingHandle: 1, attributeType: '0x2800', attributeValue: h('0f18') }],
    ['07 0100 0500 0600 0900', 'ATT Find By Type Value Response', { handles: [{ foundAttributeHandle: 1, groupEndHandle: 5 }, { foundAttributeHandle: 6, groupEndHandle: 9 }] }],
    ['08 0100 ffff 0328', 'ATT Read By Type Request', { attributeType: '0x2803' }],
    ['09 07 0200 020300 002a', 'ATT Read By Type Response', { length: 7, attributes: [{ handle: 2, value: h('020300002a') }] }],
    ['0a 0300', 'ATT Read Request', { attributeHandle: 3 }, /handle 0x0003/],
    ['0b 68656c6c6f', 'ATT Read Response', { value: Buffer.from('hello') }],
    ['0c 0300 1600', 'ATT Read Blob Request', { attributeHandle: 3, valueOffset: 22 }],
    ['0d 0102', 'ATT Read Blob Response', { value: h('0102') }],
    ['0e 0300 0500', 'ATT Read Multiple Request', { handles: [3, 5] }],
    ['0f 0102', 'ATT Read Multiple Response', { value: h('0102') }],
    ['10 0100 ffff 0028', 'ATT Read By Group Type Request', { attributeType: '0x2800' }],
    ['11 06 0100 0500 0018', 'ATT Read By Group Type Response', { length: 6, groups: [{ handle: 1, endGroupHandle: 5, value: h('0018') }] }, /0x0001-0x0005 0x1800/],
    ['12 1100 0100', 'ATT Write Request', { attributeHandle: 0x11, value: h('0100') }],
    ['13', 'ATT Write Response', {}],
    ['52 1100 0100', 'ATT Write Command', { attributeHandle: 0x11, value: h('0100') }],
    ['d2 1100 aa ' + '0102030405060708090a0b0c', 'ATT Signed Write Command', { attributeHandle: 0x11, value: h('aa'), authenticationSignature: '0102030405060708090a0b0c' }],
    ['16 1100 0000 abcd', 'ATT Prepare Write Request', { attributeHandle: 0x11, valueOffset: 0, partAttributeValue: h('abcd') }],
    ['17 1100 0000 abcd', 'ATT Prepare Write Response', { attributeHandle: 0x11, valueOffset: 0 }],
    ['18 01', 'ATT Execute Write Request', { flags: 1, flagsName: 'Immediately write all pending prepared values' }],
    ['19', 'ATT Execute Write Response', {}],
    ['1b 1000 cafe', 'ATT Handle Value Notification', { attributeHandle: 0x10, value: h('cafe') }],
    ['1d 1000 cafe', 'ATT Handle Value Indication', { attributeHandle: 0x10, value: h('cafe') }],
    ['1e', 'ATT Handle Value Confirmation', {}],
    ['20 0300 0500', 'ATT Read Multiple Variable Request', { handles: [3, 5] }],
    ['21 0200 0102 0300 0a0b', 'ATT Read Multiple Variable Response', { values: [{ length: 2, value: h('0102'), truncated: false }, { length: 3, value: h('0a0b'), truncated: true }] }],
    ['23 1000 0100 01 1100 0200 0203', 'ATT Multiple Handle Value Notification', { values: [{ attributeHandle: 0x10, length: 1, value: h('01') }, { attributeHandle: 0x11, length: 2, value: h('0203') }] }],
  ];
  it.each(cases)('%s → %s', (bytes, name, fields, summary) => {
    const d = decodeAttForTimeline(h(bytes), 0x40);
    expect(d.layer).toBe('att');
    expect(d.name).toBe(name);
    expect(d.handle).toBe(0x40);
    expect(d.fields).toMatchObject(fields);
    if (summary) expect(entry(d).summary).toMatch(summary);
  });
  it('covers every opcode in the table', () => {
    const covered = new Set(cases.map(([b]) => parseInt(b.slice(0, 2), 16)));
    expect([...ATT_OPCODE_TABLE.keys()].filter((k) => !covered.has(k))).toEqual([]);
  });
});

describe('ATT error codes', () => {
  it('carries the names of design.md, 0x01-0x13 and the common profile errors', () => {
    expect(attError(0x05)).toMatchObject({ name: 'Insufficient Authentication' });
    expect(attError(0x0c).name).toBe('Encryption Key Size Too Short');
    expect(attError(0x0f).name).toBe('Insufficient Encryption');
    expect(attError(0x13).name).toBe('Value Not Allowed');
    expect(attError(0xfd).name).toBe('CCCD Improperly Configured');
    for (let c = 0x01; c <= 0x13; c++) expect(ATT_ERROR_TABLE.get(c)?.meaning.length).toBeGreaterThan(5);
  });
  it('names application errors 0x80-0x9F and reserved codes', () => {
    expect(attError(0x80).name).toBe('Application Error 0x80');
    expect(attError(0x9f).name).toBe('Application Error 0x9F');
    expect(attError(0x50).name).toBe('Reserved (0x50)');
  });
});

describe('every SMP PDU of Vol 3 Part H 3.5/3.6 decodes with its fields', () => {
  const k16 = '000102030405060708090a0b0c0d0e0f';
  const cases: [string, string, Record<string, unknown>][] = [
    ['01 04 01 2d 10 07 07', 'SMP Pairing Request', { ioCapabilityName: 'KeyboardDisplay', oob: true, authReqFlags: { bonding: true, mitm: true, secureConnections: true, keypress: false, ct2: true }, initiatorKeys: { encKey: true, idKey: true, signKey: true, linkKey: false } }],
    ['02 00 00 00 07 00 00', 'SMP Pairing Response', { ioCapabilityName: 'DisplayOnly', oob: false, authReqFlags: { bonding: false, bondingFlags: 0 }, maxEncryptionKeySize: 7 }],
    ['03' + k16, 'SMP Pairing Confirm', { confirmValue: k16 }],
    ['04' + k16, 'SMP Pairing Random', { randomValue: k16 }],
    ['05 04', 'SMP Pairing Failed', { reason: 4, reasonName: 'Confirm Value Failed' }],
    ['06' + k16, 'SMP Encryption Information', { longTermKey: k16 }],
    ['07 3412 0102030405060708', 'SMP Central Identification', { ediv: 0x1234, rand: '0102030405060708' }],
    ['08' + k16, 'SMP Identity Information', { identityResolvingKey: k16 }],
    ['09 01 010203040506', 'SMP Identity Address Information', { addressType: 1, addressTypeName: 'static random', address: '06:05:04:03:02:01' }],
    ['0a' + k16, 'SMP Signing Information', { signatureKey: k16 }],
    ['0b 05', 'SMP Security Request', { authReqFlags: { bonding: true, mitm: true } }],
    ['0c' + k16.repeat(4), 'SMP Pairing Public Key', { publicKeyX: k16 + k16, publicKeyY: k16 + k16 }],
    ['0d' + k16, 'SMP Pairing DHKey Check', { dhKeyCheck: k16 }],
    ['0e 01', 'SMP Pairing Keypress Notification', { notificationTypeName: 'Passkey Digit Entered' }],
  ];
  it.each(cases)('%s → %s', (bytes, name, fields) => {
    const d = decodeSmp(h(bytes), 1);
    expect(d.layer).toBe('smp');
    expect(d.name).toBe(name);
    expect(d.fields).toMatchObject(fields);
    expect(entry(d).summary.startsWith(name)).toBe(true);
  });
  it('covers every command code', () => {
    const covered = new Set(cases.map(([b]) => parseInt(b.slice(0, 2), 16)));
    expect([...SMP_CODE_TABLE.keys()].filter((k) => !covered.has(k))).toEqual([]);
  });
  it('names every Pairing Failed reason 0x01-0x0F with a meaning', () => {
    for (let r = 1; r <= 0x0f; r++) expect(SMP_REASON_TABLE.get(r)?.meaning.length, `reason ${r}`).toBeGreaterThan(5);
    expect(smpReason(0x0e).name).toBe('Cross-transport Key Derivation/Generation Not Allowed');
    expect(smpReason(0x20).name).toBe('Reserved SMP reason (0x20)');
  });
});

describe('pairing method selection, Vol 3 Part H 2.3.5.1', () => {
  const f = (io: number, authReq: number, oob = 0) => ({ ioCapability: io, authReq, oobDataFlag: oob });
  it.each([
    [f(3, 0x01), f(3, 0x01), 'Just Works'],
    [f(4, 0x05), f(0, 0x01), 'Passkey Entry'],
    [f(1, 0x0d), f(1, 0x09), 'Numeric Comparison'],
    [f(1, 0x05), f(1, 0x01), 'Just Works'], // legacy DisplayYesNo both sides
    [f(4, 0x0d), f(4, 0x0d), 'Numeric Comparison'],
    [f(4, 0x05), f(4, 0x05), 'Passkey Entry'],
    [f(2, 0x05), f(3, 0x05), 'Just Works'],
    [f(3, 0x01, 1), f(3, 0x01, 1), 'OOB'],
    [f(3, 0x09, 1), f(3, 0x09, 0), 'OOB'], // SC: either side's OOB
    [f(3, 0x01, 1), f(3, 0x01, 0), 'Just Works'], // legacy: both needed
  ] as const)('%o × %o → %s', (i, r, method) => {
    expect(pairingMethod(i, r)).toBe(method);
  });
});

describe('LE signaling commands, Vol 3 Part A 4', () => {
  const cases: [string, string, Record<string, unknown>, RegExp?][] = [
    ['01 07 0200 0000', 'L2CAP Command Reject', { identifier: 7, reason: 0, reasonName: 'Command not understood' }],
    ['01 07 0600 0200 4000 4100', 'L2CAP Command Reject', { reason: 2, localCid: 0x40, remoteCid: 0x41 }],
    ['06 02 0400 4000 4100', 'L2CAP Disconnection Request', { destinationCid: 0x40, sourceCid: 0x41 }],
    ['07 02 0400 4000 4100', 'L2CAP Disconnection Response', { destinationCid: 0x40 }],
    ['12 03 0800 0600 0c00 0000 c800', 'L2CAP Connection Parameter Update Request', { intervalMin: 6, intervalMax: 12, latency: 0, timeoutMultiplier: 200 }, /interval 7.5-15 ms, latency 0, timeout 2000 ms/],
    ['13 03 0200 0100', 'L2CAP Connection Parameter Update Response', { result: 1, resultName: 'Connection Parameters rejected' }],
    ['14 04 0a00 8000 4000 f700 f700 0a00', 'L2CAP LE Credit Based Connection Request', { spsm: 0x80, sourceCid: 0x40, mtu: 247, mps: 247, initialCredits: 10 }],
    ['15 04 0a00 4100 f700 f700 0a00 0500', 'L2CAP LE Credit Based Connection Response', { destinationCid: 0x41, result: 5, resultName: 'Connection refused – insufficient authentication' }],
    ['16 05 0400 4000 0300', 'L2CAP Flow Control Credit Indication', { cid: 0x40, credits: 3 }],
    ['17 06 0c00 8000 4000 4000 0500 4000 4100', 'L2CAP Credit Based Connection Request', { spsm: 0x80, sourceCids: [0x40, 0x41] }],
    ['18 06 0c00 4000 4000 0500 0000 5000 5100', 'L2CAP Credit Based Connection Response', { result: 0, destinationCids: [0x50, 0x51] }],
    ['19 07 0600 4000 4000 5000', 'L2CAP Credit Based Reconfigure Request', { destinationCids: [0x50] }],
    ['1a 07 0200 0000', 'L2CAP Credit Based Reconfigure Response', { result: 0, resultName: 'Reconfiguration successful' }],
  ];
  it.each(cases)('%s → %s', (bytes, name, fields, summary) => {
    const d = decodeLeSignaling(h(bytes), 1);
    expect(d.layer).toBe('l2cap-sig');
    expect(d.name).toBe(name);
    expect(d.fields).toMatchObject(fields);
    if (summary) expect(entry(d).summary).toMatch(summary);
  });
});

describe('HCI commands and events by name with their main fields', () => {
  const decode = (dir: 'tx' | 'rx', p: Buffer) => {
    const out: Decoded<object>[] = [];
    new PacketDecoder().decode(dir, p, out);
    expect(out).toHaveLength(1);
    return entry(out[0]!);
  };
  it('names every opcode in the code table, with or without a parameter layout', () => {
    const d = new PacketDecoder();
    for (const [key, op] of Object.entries(OP)) {
      const out: Decoded<object>[] = [];
      d.decode('tx', cmd(op, Buffer.alloc(0)), out);
      expect(out[0]!.name, key).toMatch(/^(Malformed )?HCI /);
      expect(out[0]!.name, key).not.toMatch(/Unknown/);
    }
  });
  it('LE Long Term Key Request and Reply, Enhanced Connection Complete, Encryption Change v2, Key Refresh', () => {
    const ltk = decode('rx', le(LE_EVT.LONG_TERM_KEY_REQUEST, h('4000 0102030405060708 efbe')));
    expect(ltk.name).toBe('HCI LE Long Term Key Request');
    expect(ltk.fields).toMatchObject({ handle: 0x40, randomNumber: '0102030405060708', encryptedDiversifier: 0xbeef });
    expect(ltk.summary).toBe('HCI LE Long Term Key Request: handle 0x0040, EDIV 0xBEEF, Rand 0102030405060708');
    const reply = decode('tx', cmd(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, h('4000' + '00'.repeat(16))));
    expect(reply.name).toBe('HCI LE Long Term Key Request Reply');
    const enh = decode('rx', le(LE_EVT.ENHANCED_CONNECTION_COMPLETE, h('00 4000 01 00 554433221100 000000000000 665544332211 1800 0000 4800 00')));
    expect(enh.fields).toMatchObject({ roleName: 'peripheral', peerAddress: '00:11:22:33:44:55', peerResolvablePrivateAddress: '11:22:33:44:55:66' });
    const v2 = decode('rx', evt(0x59, h('00 4000 01 07')));
    expect(v2.name).toBe('HCI Encryption Change V2');
    expect(v2.fields).toMatchObject({ enabled: true, encryptionKeySize: 7 });
    const refresh = decode('rx', evt(0x30, h('00 4000')));
    expect(refresh.name).toBe('HCI Encryption Key Refresh Complete');
    expect(refresh.handle).toBe(0x40);
  });
  it('Command Complete return parameters of common commands', () => {
    expect(decode('rx', cc(OP.LE_READ_BUFFER_SIZE, h('00 fb00 0f'))).fields).toMatchObject({ status: 0, leAclDataPacketLength: 251, totalNumLeAclDataPackets: 15 });
    expect(decode('rx', cc(OP.READ_LOCAL_VERSION_INFORMATION, h('00 0d 0000 0d 5f00 0000'))).fields).toMatchObject({ hciVersion: 13, companyIdentifier: 0x5f });
    expect(decode('rx', cc(OP.LE_RAND, h('00 0102030405060708'))).fields).toMatchObject({ randomNumber: '0102030405060708' });
    expect(decode('rx', cc(OP.READ_RSSI, h('00 4000 c4'))).fields).toMatchObject({ handle: 0x40, rssi: -60 });
    const vendor = decode('rx', cc(0xfc01, h('00 aabb')));
    expect(vendor.name).toBe('HCI Command Complete (Vendor Command 0xFC01)');
    expect(vendor.fields).toMatchObject({ status: 0, returnParameters: h('aabb') });
    expect(decode('rx', evt(0x0e, h('01 0000'))).name).toBe('HCI Command Complete (No Operation)');
  });
  it('LE Set Advertising Data with its AD structures', () => {
    const data = Buffer.concat([h('020106 0909'), Buffer.from('blebench'), h('03 03 0f18')]);
    const e = decode('tx', cmd(OP.LE_SET_ADVERTISING_DATA, Buffer.concat([Buffer.from([data.length]), data, Buffer.alloc(31 - data.length)])));
    expect(e.summary).toBe('HCI LE Set Advertising Data: flags 0x06, name "blebench", services 0x180F');
  });
  it('unknown events are named, not malformed (a valid HCI frame this tool has no table for)', () => {
    const e = decode('rx', evt(0x12, h('00 112233445566 00')));
    expect(e.layer).toBe('hci-evt');
    expect(e.name).toBe('HCI Unknown Event 0x12');
  });
});
