// The central's use of the GATT cache kept with a bond (central/gatt/gatt-cache.ts), against a scripted
// ATT bearer: what each mode sends on reconnection, what makes it discover again (a Service Changed
// indication at the cached Service Changed handle, another Database Hash, a refused hash read), and
// that an indication at another handle changes nothing. Core v5.4 Vol 3 Part G 2.5.2, 7.1, 7.3.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { decodeAtt, encodeAtt, type AttPdu } from '../../common/stack/att/index.js';
import type { GattCache } from '../../common/stack/smp/bond.js';
import type { AttBearer } from '../../central/att/att-bearer.js';
import { CachedDiscovery, type GattCacheMode } from '../../central/gatt/gatt-cache.js';
import { GattClient } from '../../central/gatt/gatt-client.js';

const HASH = Buffer.alloc(16, 0xab);
const CACHE: GattCache = {
  databaseHash: HASH,
  services: [
    { uuid: '1801', startHandle: 6, endHandle: 13, characteristics: [{ uuid: '2a05', declarationHandle: 7, valueHandle: 8, endHandle: 9, properties: 0x20, descriptors: [{ uuid: '2902', handle: 9 }] }] },
    { uuid: '180f', startHandle: 14, endHandle: 16, characteristics: [{ uuid: '2a19', declarationHandle: 15, valueHandle: 16, endHandle: 16, properties: 0x02, descriptors: [] }] },
  ],
};

/** A bearer that answers each request with `answer` (Attribute Not Found when it has none) and records what was sent. */
function scripted(answer: (pdu: AttPdu) => AttPdu | undefined): AttBearer & { sent: AttPdu[] } {
  const e = new EventEmitter();
  const sent: AttPdu[] = [];
  const bearer = {
    handle: 0x40,
    mtu: 23,
    ended: false,
    sent,
    async request(octets: Buffer) {
      const d = decodeAtt(octets);
      if (!d.ok) throw new Error(d.why);
      sent.push(d.pdu);
      return encodeAtt(answer(d.pdu) ?? { opcode: ATT_OP.ERROR_RSP, requestOpcode: d.pdu.opcode, handle: 0x0001, errorCode: ATT_ERROR.ATTRIBUTE_NOT_FOUND });
    },
    async command() {},
    startPairing() {},
    abandon() {},
    on: (n: string, l: (...a: unknown[]) => void) => (e.on(n, l), bearer),
    once: (n: string, l: (...a: unknown[]) => void) => (e.once(n, l), bearer),
    off: (n: string, l: (...a: unknown[]) => void) => (e.off(n, l), bearer),
  };
  return bearer as unknown as AttBearer & { sent: AttPdu[] };
}

const hashIs = (value: Buffer) => (p: AttPdu): AttPdu | undefined => (p.opcode === ATT_OP.READ_BY_TYPE_REQ && p.attributeType.readUInt16LE(0) === 0x2b2a ? { opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: [{ handle: 13, value }] } : undefined);

function discovery(mode: GattCacheMode, answer: (p: AttPdu) => AttPdu | undefined) {
  const bearer = scripted(answer);
  const gatt = new GattClient(bearer, { timeoutMs: 1000, linkLost: () => new Promise<never>(() => undefined), explain: (x) => x });
  const changed: string[] = [];
  const d = new CachedDiscovery(gatt, { options: { mode }, kept: CACHE, bonded: async () => false, save: async () => undefined }, (why) => changed.push(why));
  const discovered = () => bearer.sent.some((p) => p.opcode === ATT_OP.READ_BY_GROUP_TYPE_REQ);
  return { d, bearer, changed, discovered };
}

describe("the central's GATT cache on reconnection", () => {
  it('verify, the same hash: one Read By Type for 0x2B2A over 0x0001-0xFFFF, then the cached services, no discovery', async () => {
    const { d, bearer, discovered, changed } = discovery('verify', hashIs(HASH));
    const services = await d.discover();
    expect(services.map((s) => s.uuid)).toEqual(['1801', '180f']);
    expect(bearer.sent).toEqual([{ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: 0x0001, endingHandle: 0xffff, attributeType: Buffer.from([0x2a, 0x2b]) }]);
    expect(discovered()).toBe(false);
    expect(changed).toEqual([]);
  });

  it('verify, another hash: the database changed, said, and discovered again', async () => {
    const { d, discovered, changed } = discovery('verify', hashIs(Buffer.alloc(16, 0xcd)));
    await d.discover();
    expect(discovered()).toBe(true);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/the Database Hash differs/);
  });

  it('verify, the hash read refused (0x05): not trusted, discovered again', async () => {
    const { d, discovered, changed } = discovery('verify', (p) => (p.opcode === ATT_OP.READ_BY_TYPE_REQ && p.attributeType.readUInt16LE(0) === 0x2b2a ? { opcode: ATT_OP.ERROR_RSP, requestOpcode: p.opcode, handle: 1, errorCode: ATT_ERROR.INSUFFICIENT_AUTHENTICATION } : undefined));
    await d.discover();
    expect(discovered()).toBe(true);
    expect(d.notes.join('\n')).toMatch(/could not be read \(ATT 0x05/);
    expect(changed).toEqual([]);
  });

  it('trust: nothing sent, the cached services; a Service Changed indication at the cached handle 0x0008 drops them, another handle does not', async () => {
    const { d, bearer, changed, discovered } = discovery('trust', () => undefined);
    expect((await d.discover()).length).toBe(2);
    expect(bearer.sent).toEqual([]);
    d.indication(16, Buffer.from([1]));
    expect(d.known).toBeDefined();
    d.indication(8, Buffer.from([0x01, 0x00, 0xff, 0xff]));
    expect(d.known).toBeUndefined();
    expect(changed[0]).toMatch(/Service Changed indicated \(0x0001-0xFFFF\)/);
    await d.discover();
    expect(discovered()).toBe(true);
  });

  it('off: the cache is never used', async () => {
    const { d, discovered } = discovery('off', hashIs(HASH));
    await d.discover();
    expect(discovered()).toBe(true);
  });
});
