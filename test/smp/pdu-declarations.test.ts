// The SMP commands are declared once (common/stack/smp/pdu.ts) and read through the same declaration by the
// Security Manager (parseSmp/encodeSmp) and the tap (decodeSmp). Core v5.4 Vol 3 Part H 3.3, 3.5, 3.6.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SMP_CODE, SMP_CODE_TABLE, SMP_REASON } from '../../common/base/codes/smp.js';
import { CENTRAL_IDENTIFICATION, IDENTITY_ADDRESS_INFORMATION, PAIRING_CONFIRM, PAIRING_REQUEST, SMP_COMMANDS, encodeSmp, parseSmp, smpCommand } from '../../common/stack/smp/pdu.js';
import { decodeSmp } from '../../common/stack/trace/smp-decode.js';

/** Each command's length, code included, read off the figures of Vol 3 Part H 3.5.1-3.6.7. */
const SPEC_LENGTH: Record<number, number> = { 0x01: 7, 0x02: 7, 0x03: 17, 0x04: 17, 0x05: 2, 0x06: 17, 0x07: 11, 0x08: 17, 0x09: 8, 0x0a: 17, 0x0b: 2, 0x0c: 65, 0x0d: 17, 0x0e: 2 };
/** Each command's section: 3.5.x for pairing, 3.6.x for key distribution and the Security Request. */
const SPEC_SECTION: Record<number, string> = { 0x01: '3.5.1', 0x02: '3.5.2', 0x03: '3.5.3', 0x04: '3.5.4', 0x05: '3.5.5', 0x0c: '3.5.6', 0x0d: '3.5.7', 0x0e: '3.5.8', 0x06: '3.6.2', 0x07: '3.6.3', 0x08: '3.6.4', 0x09: '3.6.5', 0x0a: '3.6.6', 0x0b: '3.6.7' };

describe('one declared type per SMP command', () => {
  it('every code of table 3.2 is declared once, with its length and section', () => {
    expect(SMP_COMMANDS.map((c) => c.code).sort((a, b) => a - b)).toEqual([...SMP_CODE_TABLE.keys()].sort((a, b) => a - b));
    for (const c of SMP_COMMANDS) {
      expect(c.length, c.name).toBe(SPEC_LENGTH[c.code]);
      expect(c.section, c.name).toBe(`Core v5.4 Vol 3 Part H ${SPEC_SECTION[c.code]}`);
      expect(c.name).toBe(SMP_CODE_TABLE.get(c.code)!.name);
    }
    expect(smpCommand(0x00)).toBeUndefined();
    expect(smpCommand(0x0f)).toBeUndefined();
  });

  it('decode then encode gives back the octets of every command (AddrType kept as sent)', () => {
    for (const { code } of SMP_COMMANDS) {
      const c = smpCommand(code)!;
      for (let i = 0; i < 20; i++) {
        const pdu = Buffer.concat([Buffer.from([c.code]), randomBytes(c.length - 1)]);
        expect(c.encode(c.decode(pdu)).toString('hex'), c.name).toBe(pdu.toString('hex'));
      }
    }
  });

  it('values are kept most significant octet first; fields travel least significant first', () => {
    const confirm = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const wire = PAIRING_CONFIRM.encode({ confirm });
    expect(wire.toString('hex')).toBe('03' + '0f0e0d0c0b0a09080706050403020100');
    const ci = CENTRAL_IDENTIFICATION.decode(Buffer.from('07 3412 0807060504030201'.replace(/ /g, ''), 'hex'));
    expect(ci).toEqual({ code: SMP_CODE.CENTRAL_IDENTIFICATION, ediv: 0x1234, rand: Buffer.from('0102030405060708', 'hex') });
    const ia = IDENTITY_ADDRESS_INFORMATION.decode(Buffer.from('09 01 060504030201'.replace(/ /g, ''), 'hex'));
    expect(ia).toEqual({ code: SMP_CODE.IDENTITY_ADDRESS_INFORMATION, addressType: 1, address: '01:02:03:04:05:06' });
  });

  it('the engine and the tap read one PDU the same way', () => {
    const pdu = PAIRING_REQUEST.encode({ ioCapability: 4, oobDataFlag: 0, authReq: 0x2d, maxKeySize: 16, initiatorKeyDistribution: 7, responderKeyDistribution: 3 });
    const parsed = parseSmp(pdu);
    const tap = decodeSmp(pdu);
    expect(parsed.ok).toBe(true);
    expect(tap.name).toBe('SMP Pairing Request');
    expect(tap.fields).toMatchObject({ ioCapability: 4, authReq: 0x2d, maxEncryptionKeySize: 16, initiatorKeyDistribution: 7, responderKeyDistribution: 3 });
    expect(parsed.ok && encodeSmp(parsed.pdu).equals(pdu)).toBe(true);
  });

  it('a short or long PDU: Invalid Parameters for the engine, the missing field or trailing octets for the tap', () => {
    const short = Buffer.from('07 3412 01020304'.replace(/ /g, ''), 'hex');
    expect(parseSmp(short)).toEqual({ ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: 'Central Identification of 7 octets (it has 11)' });
    expect(decodeSmp(short).fields).toMatchObject({ problem: 'truncated: Rand needs 8 octets at offset 3, 4 left' });
    const long = Buffer.from('0b 05 00'.replace(/ /g, ''), 'hex');
    expect(parseSmp(long)).toMatchObject({ ok: false, reason: SMP_REASON.INVALID_PARAMETERS });
    expect(decodeSmp(long).fields).toMatchObject({ problem: '1 unexpected trailing octet' });
  });

  it('a reserved code: Command Not Supported for the engine, unknown for the tap; a reserved AddrType: Invalid Parameters, "reserved" on the tap', () => {
    expect(parseSmp(Buffer.from([0x0f, 0x00]))).toMatchObject({ ok: false, reason: SMP_REASON.COMMAND_NOT_SUPPORTED });
    expect(decodeSmp(Buffer.from([0x0f, 0x00])).fields).toMatchObject({ problem: 'unknown SMP command code 0x0F' });
    const reserved = IDENTITY_ADDRESS_INFORMATION.encode({ addressType: 2, address: 'C0:00:00:00:00:01' });
    expect(parseSmp(reserved)).toMatchObject({ ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: 'Identity Address Information with the reserved address type 2' });
    expect(decodeSmp(reserved).fields).toMatchObject({ addressType: 2, addressTypeName: 'reserved', address: 'C0:00:00:00:00:01' });
  });
});
