// The GATT client's Read Using Characteristic UUID (Core v5.4 Vol 3 Part G 4.8.2) against a scripted
// ATT bearer: the request it encodes, the pairs it returns, an Error Response as a typed AttError,
// and a response naming a handle outside the range as an AttProtocolError (Vol 3 Part F 3.4.4.1).
// The scripted bearer stands in for the link only; the whole path runs against blebench's server in
// test/peripheral/read-using-uuid-central.test.ts.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { encodeAtt } from '../../common/stack/att/index.js';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import type { AttBearer } from '../../central/att/att-bearer.js';
import { AttError, AttProtocolError } from '../../central/errors.js';
import { GattClient } from '../../central/gatt/gatt-client.js';

const UUID = 'b1eb1002-7e57-4b3e-9c1d-2f5e0b1c7a90';

/** A bearer that answers every request with `answer` and keeps what it was sent. */
function scripted(answer: Buffer): { bearer: AttBearer; sent: Buffer[] } {
  const sent: Buffer[] = [];
  const bearer = Object.assign(new EventEmitter(), {
    handle: 0x40,
    mtu: 23,
    ended: false,
    request: async (pdu: Buffer) => {
      sent.push(pdu);
      return answer;
    },
    command: async () => undefined,
    startPairing: () => undefined,
    abandon: () => undefined,
  }) as unknown as AttBearer;
  return { bearer, sent };
}

const client = (bearer: AttBearer) => new GattClient(bearer, { timeoutMs: 1000, linkLost: () => new Promise<never>(() => undefined), explain: (e) => e });

describe('GattClient.readUsingCharacteristicUuid (Vol 3 Part G 4.8.2)', () => {
  it('sends one Read By Type Request with the range and the 128-bit type, and returns the pairs', async () => {
    const { bearer, sent } = scripted(encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: [{ handle: 0x0e, value: Buffer.from('abc') }] }));
    const got = await client(bearer).readUsingCharacteristicUuid(0x0e, 0xffff, UUID);
    expect(got).toEqual([{ handle: 0x0e, value: Buffer.from('abc') }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual(
      encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: 0x0e, endingHandle: 0xffff, attributeType: Buffer.from(UUID.replace(/-/g, ''), 'hex').reverse() }),
    );
  });

  it('an Error Response is an AttError with its code, handle and request', async () => {
    const { bearer } = scripted(encodeAtt({ opcode: ATT_OP.ERROR_RSP, requestOpcode: ATT_OP.READ_BY_TYPE_REQ, handle: 0x0d, errorCode: ATT_ERROR.ATTRIBUTE_NOT_FOUND }));
    const e = await client(bearer).readUsingCharacteristicUuid(0x0d, 0x0d, UUID).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AttError);
    expect(e).toMatchObject({ attCode: ATT_ERROR.ATTRIBUTE_NOT_FOUND, handle: 0x0d, requestOpcode: ATT_OP.READ_BY_TYPE_REQ });
  });

  it('a response naming a handle outside the range asked for is a protocol error naming both', async () => {
    const { bearer } = scripted(encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: [{ handle: 0x0f, value: Buffer.from('x') }] }));
    const e = await client(bearer).readUsingCharacteristicUuid(0x0e, 0x0e, UUID).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AttProtocolError);
    expect((e as Error).message).toMatch(/0x000F, outside the range 0x000E-0x000E/);
  });
});
