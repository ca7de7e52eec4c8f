// LL Privacy on the air: RPAs made with ah (Core v5.4 Vol 3 Part H 2.2.2, sample data Appendix D.7),
// their format (Vol 6 Part B 1.3.2.2), own address types 0x02/0x03 (Vol 4 Part E 7.8.5, 7.8.10,
// 7.8.12), renewal after the RPA timeout on the radio's clock (7.8.45), resolution at the scanner
// (reports with address types 0x02/0x03, 7.7.65.2) and LE Enhanced Connection Complete (7.7.65.10).
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { addressFromWire, addressToWire, Radio, type VirtualController } from '../../common/stack/air/index.js';
import { ah, generateRpa, generateStaticAddress, isResolvablePrivateAddress, randomAddressKind, resolvesWith, rpaFromPrand } from '../../common/base/crypto/random-address.js';
import type { HciEvent, TestHost } from './helpers/host.js';
import { advertise, createConnection, hostFor, initHost, LE_MASK_DEFAULT_TESTS, scanParams } from './helpers/setup.js';
import { identity, resolvingEntry, rpaTimeout, ZERO_IRK } from './helpers/privacy.js';

let radio: Radio | undefined;
afterEach(() => {
  radio?.close();
  radio = undefined;
});

/** Vol 3 Part H Appendix D.7. */
const SAMPLE = { irk: 'ec0234a357c8ad05341010a60a397d9b', prand: '708194', hash: '0dfbaa' } as const;
const IRK_A = '0123456789abcdef0123456789abcdef'; // the advertiser / peripheral
const IRK_S = 'fedcba9876543210fedcba9876543210'; // the scanner / central
const irk = (hex: string) => Buffer.from(hex, 'hex');
const LE_MASK_ENHANCED = LE_MASK_DEFAULT_TESTS | (1n << 9n);

describe('ah and the RPA format', () => {
  it('ah(IRK, prand) matches the Core spec sample: 0x708194 -> 0x0dfbaa; the RPA is prand || hash', () => {
    expect(ah(irk(SAMPLE.irk), Buffer.from(SAMPLE.prand, 'hex')).toString('hex')).toBe(SAMPLE.hash);
    const rpa = rpaFromPrand(irk(SAMPLE.irk), Buffer.from(SAMPLE.prand, 'hex'));
    expect(addressFromWire(rpa, 0)).toBe('70:81:94:0D:FB:AA');
    expect(resolvesWith(irk(SAMPLE.irk), rpa)).toBe(true);
    // one bit off in the hash, or another IRK: not resolved
    const off = Buffer.from(rpa);
    off[0]! ^= 0x01;
    expect(resolvesWith(irk(SAMPLE.irk), off)).toBe(false);
    expect(resolvesWith(irk(IRK_A), rpa)).toBe(false);
  });

  it('generated RPAs: top bits 0b01, random part neither all 0 nor all 1, resolvable with their IRK only', () => {
    for (let i = 0; i < 200; i++) {
      const rpa = generateRpa(irk(IRK_A));
      expect(rpa[5]! >> 6).toBe(0b01);
      const random = ((rpa[5]! & 0x3f) << 16) | (rpa[4]! << 8) | rpa[3]!;
      expect(random !== 0 && random !== 0x3fffff).toBe(true);
      expect(isResolvablePrivateAddress(rpa)).toBe(true);
      expect(resolvesWith(irk(IRK_A), rpa)).toBe(true);
      expect(resolvesWith(irk(IRK_S), rpa)).toBe(false);
    }
    // a static random address (0b11) is no RPA
    expect(isResolvablePrivateAddress(addressToWire('C1:22:33:44:55:66'))).toBe(false);
  });

  it('generated static addresses: top bits 0b11, random part neither all 0 nor all 1 (Vol 6 Part B 1.3.2.1); each kind named by its top bits', () => {
    for (let i = 0; i < 200; i++) {
      const a = generateStaticAddress();
      expect(randomAddressKind(a)).toBe('static');
      const rest = Buffer.from(a);
      rest[5]! &= 0x3f;
      expect(rest.equals(Buffer.alloc(6))).toBe(false);
      expect(rest.equals(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]))).toBe(false);
    }
    expect(randomAddressKind(generateRpa(irk(IRK_A)))).toBe('resolvable');
    expect(randomAddressKind(addressToWire('3F:22:33:44:55:66'))).toBe('non-resolvable');
    expect(randomAddressKind(addressToWire('80:22:33:44:55:66'))).toBe('reserved');
  });
});

interface Report {
  type: number;
  addressType: number;
  address: string;
  raw: Buffer;
}

function report(e: HciEvent): Report {
  return { type: e.le[1]!, addressType: e.le[2]!, address: addressFromWire(e.le, 3), raw: Buffer.from(e.le.subarray(3, 9)) };
}

/** A manual radio clock, ms. */
function manualClock() {
  const clock = { t: 0, now: () => clock.t };
  return clock;
}

async function pair(opts: { leMask?: bigint; highDutyDirectedTimeoutMs?: number } = {}) {
  const clock = manualClock();
  radio = new Radio({ name: 'privacy-rpa', clock: clock.now, minAdvertisingIntervalMs: 20, ...(opts.highDutyDirectedTimeoutMs ? { highDutyDirectedTimeoutMs: opts.highDutyDirectedTimeoutMs } : {}) });
  const advC = radio.createController();
  const scanC = radio.createController();
  const a = hostFor(advC, 'advertiser');
  const s = hostFor(scanC, 'scanner');
  await initHost(a, opts.leMask);
  await initHost(s, opts.leMask);
  return { clock, advC, scanC, a, s };
}

/** Each knows the other: peer identity (public), peer IRK, local IRK; resolution on. */
async function knowEachOther(a: TestHost, advC: VirtualController, s: TestHost, scanC: VirtualController, resolveAtScanner = true): Promise<void> {
  await a.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, scanC.address, IRK_S, IRK_A));
  await a.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
  await s.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, advC.address, IRK_A, IRK_S));
  if (resolveAtScanner) await s.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
}

async function scan(s: TestHost, filterDuplicates: 0 | 1 = 1): Promise<void> {
  await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
  await s.ok(OP.LE_SET_SCAN_ENABLE, [1, filterDuplicates]);
}

describe('own address type 0x02/0x03 and resolution at the scanner', () => {
  it('an advertiser with own address type 0x02 is on air with an RPA from its local IRK, which the scanner host resolves with that IRK', async () => {
    const { advC, scanC, a, s } = await pair();
    await knowEachOther(a, advC, s, scanC, false);
    await advertise(a, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    await scan(s);
    const r = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'report of the private advertiser'));
    expect(r.addressType).toBe(0x01); // random, unresolved: resolution is off at the scanner
    expect(r.address).not.toBe(advC.address);
    expect(isResolvablePrivateAddress(r.raw)).toBe(true);
    expect(resolvesWith(irk(IRK_A), r.raw)).toBe(true);
    expect(resolvesWith(irk(IRK_S), r.raw)).toBe(false);
    // the advertiser's host reads the same RPA back
    const local = await a.ok(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, scanC.address));
    expect(addressFromWire(local.ret, 0)).toBe(r.address);
  });

  it('with resolution on, the scanner reports the advertiser by its identity, address type 0x02, and knows the peer RPA', async () => {
    const { advC, scanC, a, s } = await pair();
    await knowEachOther(a, advC, s, scanC);
    await advertise(a, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    await scan(s);
    const r = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'resolved report'));
    expect({ addressType: r.addressType, address: r.address }).toEqual({ addressType: 0x02, address: advC.address });
    const peerRpa = addressFromWire((await s.ok(OP.LE_READ_PEER_RESOLVABLE_ADDRESS, identity(0, advC.address))).ret, 0);
    const localRpa = addressFromWire((await a.ok(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, scanC.address))).ret, 0);
    expect(peerRpa).toBe(localRpa);
  });

  it('a random static identity resolves to address type 0x03', async () => {
    const { advC, scanC, a, s } = await pair();
    const staticAddress = 'C7:11:22:33:44:55';
    await s.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, staticAddress, IRK_A, IRK_S));
    await s.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await a.ok(OP.LE_SET_RANDOM_ADDRESS, addressToWire(staticAddress));
    await a.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, scanC.address, IRK_S, IRK_A));
    await a.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await advertise(a, { ownAddressType: 0x03, peerAddressType: 0x00, peerAddress: scanC.address });
    await scan(s);
    const r = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'resolved report'));
    expect({ addressType: r.addressType, address: r.address }).toEqual({ addressType: 0x03, address: staticAddress });
    expect(advC.address).not.toBe(staticAddress);
  });

  it('no matching entry (or resolution off, or a zero local IRK): 0x02 falls back to the public address, 0x03 to the random address', async () => {
    const { advC, scanC, a, s } = await pair();
    await a.ok(OP.LE_SET_RANDOM_ADDRESS, addressToWire('C7:00:00:00:00:07'));
    await a.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, scanC.address, IRK_S, ZERO_IRK));
    await a.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await scan(s, 0);
    const seen = async (ownAddressType: number, peer: string) => {
      await a.ok(OP.LE_SET_ADVERTISING_ENABLE, [0]);
      const since = s.mark();
      await advertise(a, { ownAddressType, peerAddressType: 0x00, peerAddress: peer });
      return report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, `report for own type ${ownAddressType}`, { since }));
    };
    expect(await seen(0x02, 'C0:FF:EE:00:00:01')).toMatchObject({ addressType: 0x00, address: advC.address }); // no entry
    expect(await seen(0x03, 'C0:FF:EE:00:00:01')).toMatchObject({ addressType: 0x01, address: 'C7:00:00:00:00:07' }); // no entry
    expect(await seen(0x02, scanC.address)).toMatchObject({ addressType: 0x00, address: advC.address }); // entry, zero local IRK
  });
});

describe('RPA timeout on the radio clock', () => {
  it('the local RPA stays until the timeout passes on the radio clock, then a new one is on air and resolves with the same IRK', async () => {
    const { clock, advC, scanC, a, s } = await pair();
    await knowEachOther(a, advC, s, scanC, false);
    await a.ok(OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, rpaTimeout(60));
    const readLocal = async () => addressFromWire((await a.ok(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, scanC.address))).ret, 0);
    await advertise(a, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    await scan(s, 0);
    const first = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'first RPA'));
    expect(await readLocal()).toBe(first.address);
    clock.t += 59_999; // one ms short of 60 s
    expect(await readLocal()).toBe(first.address);
    const since = s.mark();
    clock.t += 1; // 60 s
    const renewed = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'renewed RPA', { since, where: (e) => addressFromWire(e.le, 3) !== first.address }));
    expect(renewed.addressType).toBe(0x01);
    expect(resolvesWith(irk(IRK_A), renewed.raw)).toBe(true);
    expect(await readLocal()).toBe(renewed.address);
    // and it stays for the next 60 s
    clock.t += 59_999;
    expect(await readLocal()).toBe(renewed.address);
  });
});

/** LE Enhanced Connection Complete fields after the subevent code (7.7.65.10). */
function enhanced(e: HciEvent) {
  const b = e.le;
  return {
    status: b[0],
    role: b[3],
    peerAddressType: b[4],
    peerAddress: addressFromWire(b, 5),
    localRpa: Buffer.from(b.subarray(11, 17)),
    peerRpa: Buffer.from(b.subarray(17, 23)),
  };
}

describe('connections with privacy', () => {
  async function connect(leMask: bigint) {
    const w = await pair({ leMask });
    const { advC, scanC, a, s } = w;
    await knowEachOther(a, advC, s, scanC);
    await advertise(a, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    // the central names the peripheral by its public identity (0x02) and uses its own RPA (0x02)
    expect((await s.command(OP.LE_CREATE_CONNECTION, createConnection(advC.address, { peerAddressType: 0x02, ownAddressType: 0x02 }))).status).toBe(HCI_STATUS.SUCCESS);
    const done = (e: HciEvent) => e.subevent === LE_EVT.CONNECTION_COMPLETE || e.subevent === LE_EVT.ENHANCED_CONNECTION_COMPLETE;
    const central = await s.waitEvent(done, 'central connection complete');
    const peripheral = await a.waitEvent(done, 'peripheral connection complete');
    return { ...w, central, peripheral };
  }

  it('LE Enhanced Connection Complete on both sides: peer identity with type 0x02, the local RPA and the peer RPA', async () => {
    const { advC, scanC, central, peripheral } = await connect(LE_MASK_ENHANCED);
    expect(central.subevent).toBe(LE_EVT.ENHANCED_CONNECTION_COMPLETE);
    const c = enhanced(central);
    const p = enhanced(peripheral);
    expect({ status: c.status, role: c.role, peerAddressType: c.peerAddressType, peerAddress: c.peerAddress }).toEqual({ status: 0, role: 0x00, peerAddressType: 0x02, peerAddress: advC.address });
    expect({ status: p.status, role: p.role, peerAddressType: p.peerAddressType, peerAddress: p.peerAddress }).toEqual({ status: 0, role: 0x01, peerAddressType: 0x02, peerAddress: scanC.address });
    // the central's local RPA is its own IRK's, and is what the peripheral saw as peer RPA; and the reverse
    expect(resolvesWith(irk(IRK_S), c.localRpa)).toBe(true);
    expect(resolvesWith(irk(IRK_A), c.peerRpa)).toBe(true);
    expect(p.peerRpa).toEqual(c.localRpa);
    expect(p.localRpa).toEqual(c.peerRpa);
  });

  it('without Enhanced Connection Complete unmasked: LE Connection Complete with the identity address and type 0x00', async () => {
    const { advC, scanC, central, peripheral } = await connect(LE_MASK_DEFAULT_TESTS);
    expect(central.subevent).toBe(LE_EVT.CONNECTION_COMPLETE);
    expect([central.le[4], addressFromWire(central.le, 5)]).toEqual([0x00, advC.address]);
    expect([peripheral.le[4], addressFromWire(peripheral.le, 5)]).toEqual([0x00, scanC.address]);
  });

  it('no privacy: Enhanced Connection Complete carries the on-air peer and zero RPAs', async () => {
    const { advC, a, s } = await pair({ leMask: LE_MASK_ENHANCED });
    await advertise(a);
    await s.ok(OP.LE_CREATE_CONNECTION, createConnection(advC.address));
    const c = enhanced(await s.waitLe(LE_EVT.ENHANCED_CONNECTION_COMPLETE, 'central connection complete'));
    expect({ peerAddressType: c.peerAddressType, peerAddress: c.peerAddress }).toEqual({ peerAddressType: 0x00, peerAddress: advC.address });
    expect([c.localRpa, c.peerRpa]).toEqual([Buffer.alloc(6), Buffer.alloc(6)]);
  });
});

describe('privacy modes (Vol 6 Part B 4.7)', () => {
  it('network privacy: a listed peer with an IRK that advertises its identity address is not heard; device privacy hears it', async () => {
    const { advC, scanC, a, s } = await pair();
    const other = hostFor(radio!.createController(), 'other');
    await initHost(other);
    await advertise(other);
    await s.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, advC.address, IRK_A, IRK_S));
    await s.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await advertise(a); // public identity address on air
    const heard = async () => {
      const since = s.mark();
      await scan(s);
      await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'the other advertiser', { since });
      await s.barrier(OP.READ_BD_ADDR); // every report of this scan start has arrived
      const from = s.eventsOf(EVT.LE_META, LE_EVT.ADVERTISING_REPORT, since).map(report).map((r) => r.address);
      await s.ok(OP.LE_SET_SCAN_ENABLE, [0, 0]);
      return from;
    };
    expect(await heard()).not.toContain(advC.address);
    await s.ok(OP.LE_SET_PRIVACY_MODE, [...identity(0, advC.address), 0x01]);
    expect(await heard()).toContain(advC.address);
    expect(scanC.address).not.toBe(advC.address);
  });
});

describe('directed advertising and the filter accept list with resolution', () => {
  it('directed advertising at an identity accepts that peer initiating from its RPA, resolved by the advertiser', async () => {
    const { advC, scanC, a, s } = await pair({ leMask: LE_MASK_ENHANCED });
    await knowEachOther(a, advC, s, scanC);
    // ADV_DIRECT_IND (low duty) at the central's public identity; the central initiates from an RPA
    await advertise(a, { type: 0x04, ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    await s.ok(OP.LE_CREATE_CONNECTION, createConnection(advC.address, { peerAddressType: 0x02, ownAddressType: 0x02 }));
    const p = enhanced(await a.waitLe(LE_EVT.ENHANCED_CONNECTION_COMPLETE, 'peripheral connection complete'));
    expect({ peerAddressType: p.peerAddressType, peerAddress: p.peerAddress }).toEqual({ peerAddressType: 0x02, peerAddress: scanC.address });
    expect(resolvesWith(irk(IRK_S), p.peerRpa)).toBe(true);
  });

  it('without the central in its list, the advertiser does not take the RPA for the identity it directs at: high duty directed advertising times out (0x3C)', async () => {
    // Directed advertising for 300 ms, not the spec's 1.28 s (test/air/connection.test.ts): some 15 advertising events at the 20 ms floor, each a chance to connect.
    const { advC, scanC, a, s } = await pair({ highDutyDirectedTimeoutMs: 300 });
    await s.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, advC.address, ZERO_IRK, IRK_S));
    await s.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await advertise(a, { type: 0x01, peerAddressType: 0x00, peerAddress: scanC.address });
    await s.ok(OP.LE_CREATE_CONNECTION, createConnection(advC.address, { ownAddressType: 0x02 }));
    const done = await a.waitLe(LE_EVT.CONNECTION_COMPLETE, 'directed advertising timeout', { timeoutMs: 3000 });
    expect(done.le[0]).toBe(HCI_STATUS.ADVERTISING_TIMEOUT);
    await s.ok(OP.LE_CREATE_CONNECTION_CANCEL);
  });

  it('an initiator using its filter accept list connects to a listed identity that advertises from an RPA', async () => {
    const { advC, scanC, a, s } = await pair();
    await knowEachOther(a, advC, s, scanC);
    await s.ok(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [0x00, ...addressToWire(advC.address)]);
    await advertise(a, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    // from its RPA: the advertiser, in network privacy mode for this central, ignores its identity address
    await s.ok(OP.LE_CREATE_CONNECTION, createConnection('00:00:00:00:00:00', { filterPolicy: 0x01, ownAddressType: 0x02 }));
    const c = await s.waitLe(LE_EVT.CONNECTION_COMPLETE, 'central connection complete');
    expect([c.le[0], c.le[4], addressFromWire(c.le, 5)]).toEqual([0x00, 0x00, advC.address]);
  });

  it('network privacy at the advertiser: a listed central initiating from its identity address is not answered until device privacy mode', async () => {
    const { advC, scanC, a, s } = await pair();
    await knowEachOther(a, advC, s, scanC, false);
    await advertise(a, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: scanC.address });
    const rpa = addressFromWire((await a.ok(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, scanC.address))).ret, 0);
    await s.ok(OP.LE_CREATE_CONNECTION, createConnection(rpa, { peerAddressType: 0x01 })); // from its public identity
    await s.barrier(OP.READ_BD_ADDR);
    await a.barrier(OP.READ_BD_ADDR);
    expect(s.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)).toHaveLength(0);
    await a.ok(OP.LE_SET_ADVERTISING_ENABLE, [0]);
    await a.ok(OP.LE_SET_PRIVACY_MODE, [...identity(0, scanC.address), 0x01]);
    await a.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]); // same RPA: the timeout has not passed
    const c = await s.waitLe(LE_EVT.CONNECTION_COMPLETE, 'central connection complete');
    expect([c.le[0], addressFromWire(c.le, 5)]).toEqual([0x00, rpa]);
  });
});
