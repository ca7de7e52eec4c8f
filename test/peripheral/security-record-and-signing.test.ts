// Units of the peripheral's ATT layer that the radio cannot reach with noble: the security record's
// writers in the order a link meets them, and Signed Write Commands (noble never signs; bleno's SMP
// never distributes a CSRK). Core v5.4 Vol 3 Part C 10.2-10.4; Vol 3 Part F 3.4.5.4; Vol 3 Part H 2.4.5.
import { describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { MGMT_LTK_TYPE } from '../../common/base/codes/mgmt.js';
import { encodeAtt } from '../../common/stack/att/index.js';
import { defineProfile } from '../../common/stack/gatt/index.js';
import { silentLogger } from '../../common/base/log/logger.js';
import { AttServer } from '../../peripheral/att/att-server.js';
import { AttributeTable } from '../../peripheral/att/attribute-table.js';
import { attSignature } from '../../peripheral/att/signed-write.js';
import type { RequestRecord } from '../../peripheral/answers/request-record.js';
import { keyFactsOf, keyFactsOfSession, SecurityRecords } from '../../peripheral/pairing/security-record.js';

describe('one security record per link', () => {
  it('before encryption the kept key decides (0x05 vs 0x0F); encrypted, the key in use; a Security Manager outcome is not overwritten by the kernel', () => {
    const r = new SecurityRecords();
    expect(r.state(1, false)).toEqual({ encrypted: false, authenticated: false, keyExists: false, authorized: false });
    r.open(1, 'AA:BB:CC:DD:EE:FF', keyFactsOf({ keyType: MGMT_LTK_TYPE.AUTHENTICATED, encSize: 16 }, 'stored'));
    expect(r.state(1, false)).toEqual({ encrypted: false, authenticated: true, keyExists: true, authorized: false });
    r.keyInUse(1, keyFactsOf({ keyType: MGMT_LTK_TYPE.UNAUTHENTICATED, encSize: 10 }, 'kernel'));
    r.encryption(1, true);
    expect(r.state(1, true)).toEqual({ encrypted: true, authenticated: false, keyExists: true, authorized: true, keySize: 10 });
    r.keyInUse(1, keyFactsOfSession({ method: 'Numeric Comparison', authenticated: true, secureConnections: true, keySize: 16 }));
    r.keyInUse(1, keyFactsOf({ keyType: MGMT_LTK_TYPE.UNAUTHENTICATED, encSize: 7 }, 'kernel'));
    expect(r.state(1, false)).toMatchObject({ encrypted: true, authenticated: true, keySize: 16 });
    r.encryption(1, false);
    expect(r.state(1, false)).toEqual({ encrypted: false, authenticated: true, keyExists: true, authorized: false });
    r.close(1);
    expect(r.state(1, false).keyExists).toBe(false);
  });
});

describe('Signed Write Command (Vol 3 Part F 3.4.5.4)', () => {
  const profile = defineProfile({
    name: 'signed',
    advertising: { localName: 'signed' },
    services: [{ name: 'S', uuid: 'b1eb5000-7e57-4b3e-9c1d-2f5e0b1c7a90', characteristics: [{ name: 'Signed', uuid: 'b1eb5001-7e57-4b3e-9c1d-2f5e0b1c7a90', properties: ['read', 'authenticatedSignedWrites'], value: { hex: '00' } }] }],
  });
  const rig = (csrk: Buffer | undefined) => {
    const table = new AttributeTable(profile, 'signed');
    const records: RequestRecord[] = [];
    const sent: Buffer[] = [];
    const server = new AttServer(
      () => ({
        table,
        log: silentLogger(),
        link: () => ({ encrypted: false, authenticated: false, keyExists: false }),
        record: (r) => void records.push({ central: undefined, ...r }),
        cccdBits: () => 0,
        cccdWritten: () => {},
        chosenAnswer: () => undefined,
        delayFor: () => 0,
        confirmation: () => {},
        signingKey: () => csrk,
      }),
      (_h, pdu) => {
        sent.push(pdu);
        return true;
      },
    );
    server.open(0x40);
    const c = table.map.characteristic('Signed')!;
    const signed = (value: Buffer, counter: number, key = csrk!) => {
      const head = encodeAtt({ opcode: ATT_OP.SIGNED_WRITE_CMD, handle: c.valueHandle, value, signature: Buffer.alloc(0) });
      return Buffer.concat([head, attSignature(key, head, counter)]);
    };
    return { server, c, records, sent, signed };
  };
  const CSRK = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

  it('without a CSRK the command is dropped, recorded as such, and nothing is answered', () => {
    const { server, c, records, sent } = rig(undefined);
    server.receive(0x40, Buffer.concat([Buffer.from([ATT_OP.SIGNED_WRITE_CMD, c.valueHandle, 0]), Buffer.from('01'), Buffer.alloc(12)]));
    expect(c.value.toString('hex')).toBe('00');
    expect(sent).toEqual([]);
    expect(records.at(-1)).toMatchObject({ operation: 'signedWrite', outcome: { ok: false, silent: true } });
    expect(records.at(-1)!.reason).toMatch(/no signing key \(CSRK\)/);
  });

  it('with the CSRK: a good signature writes; a replayed SignCounter or another key is dropped', () => {
    const { server, c, records, sent, signed } = rig(CSRK);
    server.receive(0x40, signed(Buffer.from([0x11]), 1));
    expect(c.value.toString('hex')).toBe('11');
    server.receive(0x40, signed(Buffer.from([0x22]), 1));
    expect(c.value.toString('hex'), 'SignCounter 1 again: a replay').toBe('11');
    expect(records.at(-1)!.reason).toMatch(/replay/);
    server.receive(0x40, signed(Buffer.from([0x33]), 2, Buffer.alloc(16, 7)));
    expect(c.value.toString('hex'), 'signed with another key').toBe('11');
    expect(records.at(-1)!.reason).toMatch(/does not match/);
    server.receive(0x40, signed(Buffer.from([0x44]), 3));
    expect(c.value.toString('hex')).toBe('44');
    expect(sent, 'a command is never answered').toEqual([]);
  });
});
