// Every ATT PDU of Core v5.4 Vol 3 Part F 3.4: encoded to the octets the spec lays out, decoded back,
// and every wrong length refused with a reason instead of a throw.
import { describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { ATT_PDUS, attMethodOf, attUuidFromWire, attUuidToWire, decodeAtt, encodeAtt, sameAttUuid, type AttPdu } from '../../common/stack/att/index.js';

const h = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const UUID128 = attUuidToWire('f000aa01-0451-4000-b000-000000000000');
const UUID128_HEX = UUID128.toString('hex');

interface Case {
  pdu: AttPdu;
  wire: string;
  /** Parameter lengths the format refuses, besides those given by `short`/`long`. */
  badLengths: number[];
}

// Each case: a PDU, its octets, and wrong parameter lengths (empty, one short, one long where the format is fixed).
const CASES: Case[] = [
  { pdu: { opcode: ATT_OP.ERROR_RSP, requestOpcode: 0x0a, handle: 0x000c, errorCode: 0x05 }, wire: '01 0a 0c00 05', badLengths: [0, 3, 5] },
  { pdu: { opcode: ATT_OP.EXCHANGE_MTU_REQ, clientRxMtu: 517 }, wire: '02 0502', badLengths: [0, 1, 3] },
  { pdu: { opcode: ATT_OP.EXCHANGE_MTU_RSP, serverRxMtu: 23 }, wire: '03 1700', badLengths: [0, 1, 3] },
  { pdu: { opcode: ATT_OP.FIND_INFORMATION_REQ, startingHandle: 1, endingHandle: 0xffff }, wire: '04 0100 ffff', badLengths: [0, 3, 5] },
  {
    pdu: { opcode: ATT_OP.FIND_INFORMATION_RSP, information: [{ handle: 0x000d, uuid: h('0229') }, { handle: 0x000e, uuid: h('0129') }] },
    wire: '05 01 0d00 0229 0e00 0129',
    badLengths: [0, 1, 4, 8],
  },
  {
    pdu: { opcode: ATT_OP.FIND_INFORMATION_RSP, information: [{ handle: 0x0010, uuid: UUID128 }] },
    wire: `05 02 1000 ${UUID128_HEX}`,
    badLengths: [0, 1, 18, 20],
  },
  {
    pdu: { opcode: ATT_OP.FIND_BY_TYPE_VALUE_REQ, startingHandle: 1, endingHandle: 0xffff, attributeType: 0x2800, attributeValue: h('0d18') },
    wire: '06 0100 ffff 0028 0d18',
    badLengths: [0, 5],
  },
  {
    pdu: { opcode: ATT_OP.FIND_BY_TYPE_VALUE_RSP, handlesInformation: [{ foundHandle: 0x0010, groupEndHandle: 0x0020 }] },
    wire: '07 1000 2000',
    badLengths: [0, 3, 5],
  },
  { pdu: { opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: 0x000c, endingHandle: 0x000c, attributeType: h('002a') }, wire: '08 0c00 0c00 002a', badLengths: [0, 5, 7, 19, 21] },
  { pdu: { opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: 0x000c, endingHandle: 0x000c, attributeType: UUID128 }, wire: `08 0c00 0c00 ${UUID128_HEX}`, badLengths: [] },
  {
    pdu: { opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: [{ handle: 0x0003, value: h('4142') }, { handle: 0x0005, value: h('4344') }] },
    wire: '09 04 0300 4142 0500 4344',
    badLengths: [0, 1, 4, 9],
  },
  { pdu: { opcode: ATT_OP.READ_REQ, handle: 0x0003 }, wire: '0a 0300', badLengths: [0, 1, 3] },
  { pdu: { opcode: ATT_OP.READ_RSP, value: h('010203') }, wire: '0b 010203', badLengths: [] },
  { pdu: { opcode: ATT_OP.READ_BLOB_REQ, handle: 0x0003, offset: 22 }, wire: '0c 0300 1600', badLengths: [0, 3, 5] },
  { pdu: { opcode: ATT_OP.READ_BLOB_RSP, value: h('') }, wire: '0d', badLengths: [] },
  { pdu: { opcode: ATT_OP.READ_MULTIPLE_REQ, handles: [3, 0x0c] }, wire: '0e 0300 0c00', badLengths: [0, 2, 3, 5] },
  { pdu: { opcode: ATT_OP.READ_MULTIPLE_RSP, values: h('aabb') }, wire: '0f aabb', badLengths: [] },
  { pdu: { opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ, startingHandle: 1, endingHandle: 0xffff, attributeGroupType: h('0028') }, wire: '10 0100 ffff 0028', badLengths: [0, 5, 7, 21] },
  {
    pdu: { opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ, startingHandle: 1, endingHandle: 0xffff, attributeGroupType: h('fb349b5f80000080001000000028 0000') },
    wire: '10 0100 ffff fb349b5f80000080001000000028 0000',
    badLengths: [],
  },
  {
    pdu: { opcode: ATT_OP.READ_BY_GROUP_TYPE_RSP, attributeData: [{ handle: 1, endGroupHandle: 5, value: h('0018') }, { handle: 6, endGroupHandle: 9, value: h('0118') }] },
    wire: '11 06 0100 0500 0018 0600 0900 0118',
    badLengths: [0, 1, 3, 6],
  },
  { pdu: { opcode: ATT_OP.READ_MULTIPLE_VARIABLE_REQ, handles: [3, 0x0c, 0x10] }, wire: '20 0300 0c00 1000', badLengths: [0, 2, 3, 7] },
  {
    pdu: { opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples: [{ length: 2, value: h('4142') }, { length: 0, value: h('') }] },
    wire: '21 0200 4142 0000',
    badLengths: [1],
  },
  { pdu: { opcode: ATT_OP.WRITE_REQ, handle: 0x000d, value: h('0100') }, wire: '12 0d00 0100', badLengths: [0, 1] },
  { pdu: { opcode: ATT_OP.WRITE_RSP }, wire: '13', badLengths: [1] },
  { pdu: { opcode: ATT_OP.WRITE_CMD, handle: 0x000c, value: h('') }, wire: '52 0c00', badLengths: [0, 1] },
  {
    pdu: { opcode: ATT_OP.SIGNED_WRITE_CMD, handle: 0x000c, value: h('01'), signature: h('000000000102030405060708') },
    wire: 'd2 0c00 01 000000000102030405060708',
    badLengths: [0, 13],
  },
  { pdu: { opcode: ATT_OP.PREPARE_WRITE_REQ, handle: 0x000c, offset: 18, value: h('aa') }, wire: '16 0c00 1200 aa', badLengths: [0, 3] },
  { pdu: { opcode: ATT_OP.PREPARE_WRITE_RSP, handle: 0x000c, offset: 18, value: h('aa') }, wire: '17 0c00 1200 aa', badLengths: [0, 3] },
  { pdu: { opcode: ATT_OP.EXECUTE_WRITE_REQ, flags: 0x01 }, wire: '18 01', badLengths: [0, 2] },
  { pdu: { opcode: ATT_OP.EXECUTE_WRITE_RSP }, wire: '19', badLengths: [1] },
  { pdu: { opcode: ATT_OP.HANDLE_VALUE_NTF, handle: 0x000c, value: h('01') }, wire: '1b 0c00 01', badLengths: [0, 1] },
  { pdu: { opcode: ATT_OP.HANDLE_VALUE_IND, handle: 0x000c, value: h('01') }, wire: '1d 0c00 01', badLengths: [0, 1] },
  { pdu: { opcode: ATT_OP.HANDLE_VALUE_CFM }, wire: '1e', badLengths: [1] },
  {
    pdu: { opcode: ATT_OP.MULTIPLE_HANDLE_VALUE_NTF, tuples: [{ handle: 0x000c, value: h('01') }, { handle: 0x0010, value: h('') }] },
    wire: '23 0c00 0100 01 1000 0000',
    badLengths: [0, 4, 5, 8],
  },
];

describe('ATT PDUs (Core v5.4 Vol 3 Part F 3.4)', () => {
  it('the table holds every opcode of Vol 3 Part F 3.4.8, each with its section', () => {
    expect([...ATT_PDUS.keys()].sort((a, b) => a - b)).toEqual(Object.values(ATT_OP).sort((a, b) => a - b));
    for (const c of ATT_PDUS.values()) expect(c.section).toMatch(/^Vol 3 Part F 3\.4\.\d+(\.\d+)?$/);
    expect(new Set(CASES.map((c) => c.pdu.opcode)).size).toBe(ATT_PDUS.size);
  });

  for (const c of CASES) {
    const name = `0x${c.pdu.opcode.toString(16).padStart(2, '0')} ${c.wire.split(' ').slice(1).join(' ')}`;
    it(`${name}: encodes to the spec's octets and decodes back`, () => {
      expect(encodeAtt(c.pdu).toString('hex')).toBe(h(c.wire).toString('hex'));
      expect(decodeAtt(h(c.wire))).toEqual({ ok: true, pdu: c.pdu });
    });
    for (const n of c.badLengths) {
      it(`${name}: ${n} octets of parameters is refused as a wrong length, without a throw`, () => {
        const params = Buffer.alloc(n, 0x01);
        // A one-octet Length/Format field that names a valid size keeps the refusal about the length alone.
        const wire = Buffer.concat([Buffer.from([c.pdu.opcode]), params]);
        const out = decodeAtt(wire);
        expect(out.ok).toBe(false);
        if (!out.ok) {
          expect(out.opcode).toBe(c.pdu.opcode);
          expect(['length', 'field']).toContain(out.problem);
          expect(out.why.length).toBeGreaterThan(10);
        }
      });
    }
  }

  it('an empty PDU and an unknown opcode are named, not thrown', () => {
    expect(decodeAtt(Buffer.alloc(0))).toMatchObject({ ok: false, opcode: undefined, problem: 'empty' });
    expect(decodeAtt(h('7f0100'))).toMatchObject({ ok: false, opcode: 0x7f, problem: 'unknown-opcode' });
  });

  it('a Read By Type Request with a 32-bit (4-octet) type is a wrong length: ATT types are 16 or 128 bits (Vol 3 Part F 3.2.1)', () => {
    expect(decodeAtt(h('08 0100 ffff 00002a00'))).toMatchObject({ ok: false, problem: 'length' });
  });

  it('a Read By Type Response whose Length is shorter than its handle is a bad field', () => {
    expect(decodeAtt(h('09 01 03'))).toMatchObject({ ok: false, problem: 'field' });
  });

  it('a Find Information Response with a reserved format is a bad field', () => {
    expect(decodeAtt(h('05 03 0100 0229'))).toMatchObject({ ok: false, problem: 'field' });
  });

  it('a Read Multiple Variable Response ending in a lone octet after a whole tuple is a wrong length', () => {
    expect(decodeAtt(h('21 0100 41 00'))).toMatchObject({ ok: false, problem: 'length' });
  });

  it('a Read Multiple Variable Response whose last value is cut at the MTU keeps its full Length', () => {
    expect(decodeAtt(h('21 0500 4142'))).toEqual({ ok: true, pdu: { opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples: [{ length: 5, value: h('4142') }] } });
  });

  it('a decoded PDU does not alias the caller\'s octets', () => {
    const wire = h('12 0d00 0100');
    const out = decodeAtt(wire);
    wire[3] = 0xff;
    expect(out).toEqual({ ok: true, pdu: { opcode: ATT_OP.WRITE_REQ, handle: 0x000d, value: h('0100') } });
  });

  it('unknown opcodes: the Command Flag makes a command (ignored), otherwise a request (0x06)', () => {
    expect(attMethodOf(0x7f)).toBe('command');
    expect(attMethodOf(0x3f)).toBe('request');
    expect(attMethodOf(ATT_OP.SIGNED_WRITE_CMD)).toBe('command');
    expect(attMethodOf(ATT_OP.HANDLE_VALUE_CFM)).toBe('confirmation');
  });

  it('UUIDs: 16-bit and 128-bit wire forms, the 16-bit one equal to its Base UUID form', () => {
    expect(attUuidFromWire(h('002a'))).toBe('2a00');
    expect(attUuidFromWire(UUID128)).toBe('f000aa0104514000b000000000000000');
    expect(attUuidFromWire(h('00002a'))).toBeUndefined();
    expect(sameAttUuid(h('002a'), attUuidToWire('00002a00-0000-1000-8000-00805f9b34fb'))).toBe(true);
    expect(sameAttUuid(h('002a'), h('012a'))).toBe(false);
    expect(sameAttUuid(h('002a'), UUID128)).toBe(false);
  });
});
