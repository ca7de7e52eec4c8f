// Advertising and scanning as scanners see it: Core v5.4 Vol 4 Part E 7.8.5-7.8.11, 7.8.64/65,
// 7.7.65.2 (LE Advertising Report), 7.7.65.13 (LE Extended Advertising Report).
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { addressFromWire, Radio } from '../../common/stack/air/index.js';
import type { HciEvent, TestHost } from './helpers/host.js';
import { advertise, advParams, hostFor, initHost, scanParams } from './helpers/setup.js';

let radio: Radio;
afterEach(() => radio?.close());

interface Report {
  type: number;
  addressType: number;
  address: string;
  data: Buffer;
  rssi: number;
}

function report(e: HciEvent): Report {
  const b = e.le; // Num_Reports(1) then one report
  const len = b[9]!;
  return { type: b[1]!, addressType: b[2]!, address: addressFromWire(b, 3), data: b.subarray(10, 10 + len), rssi: b.readInt8(10 + len) };
}

function reports(h: TestHost, since = 0): Report[] {
  return h.eventsOf(EVT.LE_META, LE_EVT.ADVERTISING_REPORT, since).map(report);
}

async function world(opts: { rssi?: number } = {}) {
  radio = new Radio({ minAdvertisingIntervalMs: 20 });
  const advC = radio.createController({ rssi: opts.rssi ?? -42 });
  const scanC = radio.createController();
  const a = hostFor(advC, 'advertiser');
  const s = hostFor(scanC, 'scanner');
  await initHost(a);
  await initHost(s);
  return { advC, scanC, a, s };
}

const AD = [0x02, 0x01, 0x06, 0x03, 0x03, 0x0f, 0x18];
const SR = [0x05, 0x09, 0x54, 0x45, 0x53, 0x54];

describe('scanning', () => {
  it('passive scanning reports ADV_IND with address, data and RSSI, and no scan response', async () => {
    const { advC, a, s } = await world();
    await advertise(a, {}, AD, SR);
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    const r = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'ADV_IND report'));
    expect(r).toEqual({ type: 0x00, addressType: 0x00, address: advC.address, data: Buffer.from(AD), rssi: -42 });
    await s.barrier(OP.READ_BD_ADDR);
    expect(reports(s).filter((x) => x.type === 0x04)).toHaveLength(0);
  });

  it('active scanning adds SCAN_RSP (0x04) with the scan response data', async () => {
    const { advC, a, s } = await world();
    await advertise(a, {}, AD, SR);
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    const e = await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'scan response', { where: (ev) => report(ev).type === 0x04 });
    expect(report(e)).toMatchObject({ address: advC.address, data: Buffer.from(SR) });
  });

  it('ADV_SCAN_IND is scannable, ADV_NONCONN_IND gets no scan response', async () => {
    const { a, s } = await world();
    await advertise(a, { type: 0x02 }, AD, SR);
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'scan rsp to ADV_SCAN_IND', { where: (ev) => report(ev).type === 0x04 });
    expect(reports(s).some((r) => r.type === 0x02)).toBe(true);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [0, 1]);
    await a.ok(OP.LE_SET_ADVERTISING_ENABLE, [0]);
    await a.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ type: 0x03, intervalMin: 0xa0 }));
    await a.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
    const since = s.mark();
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'ADV_NONCONN_IND', { since, where: (ev) => report(ev).type === 0x03 });
    await s.barrier(OP.READ_BD_ADDR);
    expect(reports(s, since).map((r) => r.type)).toEqual([0x03]);
  });

  it('duplicate filtering on: each (address, report type) once per scan enable; re-enabling reports again', async () => {
    const { a, s } = await world();
    await advertise(a, { intervalMin: 0x20 }, AD, SR);
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'scan response', { where: (ev) => report(ev).type === 0x04 });
    // several advertising intervals pass: no repeats may arrive
    const repeatsBy = Date.now() + 150;
    while (Date.now() < repeatsBy) await s.barrier(OP.READ_BD_ADDR);
    expect(reports(s).map((r) => r.type)).toEqual([0x00, 0x04]);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [0, 1]);
    const since = s.mark();
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'report after re-enable', { since });
  });

  it('duplicate filtering off: reports repeat at the advertising interval while scanning', async () => {
    const { a, s } = await world();
    await advertise(a, { intervalMin: 0x20 }, AD); // 20 ms
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
    for (let n = 1; n <= 4; n++) {
      await s.waitEvent(() => reports(s).length >= n, `report #${n}`);
    }
    expect(radio.timers.size).toBeGreaterThan(0);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [0, 0]);
    expect(radio.timers.size).toBe(0); // no scanner, no repeat timer
  });

  it('a newly started advertiser is reported to a running scanner at once', async () => {
    const { a, s } = await world();
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.barrier(OP.READ_BD_ADDR);
    expect(reports(s)).toHaveLength(0);
    await advertise(a, { intervalMin: 0x4000 }, AD); // 10 s interval: only the immediate report can arrive
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'report of the new advertiser', { timeoutMs: 1000 });
  });

  it('directed advertising is reported only to the controller it is aimed at', async () => {
    const { scanC, a, s } = await world();
    const other = hostFor(radio.createController(), 'other');
    await initHost(other);
    await advertise(a, { type: 0x04, peerAddress: scanC.address }, AD);
    for (const h of [s, other]) {
      await h.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
      await h.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    }
    const r = report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'ADV_DIRECT_IND'));
    expect(r.type).toBe(0x01);
    expect(r.data.length).toBe(0);
    await other.barrier(OP.READ_BD_ADDR);
    expect(reports(other)).toHaveLength(0);
  });

  it('advertising with a random own address reports address type 0x01', async () => {
    const { a, s } = await world();
    await a.ok(OP.LE_SET_RANDOM_ADDRESS, [0x66, 0x55, 0x44, 0x33, 0x22, 0xc1]);
    await advertise(a, { ownAddressType: 0x01 }, AD);
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    expect(report(await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'report'))).toMatchObject({ addressType: 1, address: 'C1:22:33:44:55:66' });
  });

  it('no extended scanning (no LE Extended Advertising feature): its commands are unknown, scanning stays off', async () => {
    const { a, s, scanC } = await world();
    await advertise(a, {}, AD, SR);
    expect((await s.command(OP.LE_SET_EXTENDED_SCAN_PARAMETERS, [0, 0, 0x05, 1, 0x12, 0, 0x12, 0, 1, 0x12, 0, 0x12, 0])).status).toBe(HCI_STATUS.UNKNOWN_HCI_COMMAND);
    expect((await s.command(OP.LE_SET_EXTENDED_SCAN_ENABLE, [1, 1, 0, 0, 0, 0])).status).toBe(HCI_STATUS.UNKNOWN_HCI_COMMAND);
    expect(scanC.state.scan.enabled).toBe(false);
    await s.barrier(OP.READ_BD_ADDR);
    expect(s.eventsOf(EVT.LE_META, LE_EVT.ADVERTISING_REPORT)).toHaveLength(0);
  });

  it('parameter checks: bad advertising ranges 0x12, changing parameters while advertising 0x0C', async () => {
    const { a, s } = await world();
    expect((await a.command(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ intervalMin: 0x10 }))).status).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect((await a.command(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ intervalMin: 0x40, intervalMax: 0x30 }))).status).toBe(0x12);
    expect((await a.command(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ type: 5 }))).status).toBe(0x12);
    expect((await a.command(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ channelMap: 0 }))).status).toBe(0x12);
    expect((await a.command(OP.LE_SET_ADVERTISING_DATA, [32, ...Buffer.alloc(31)])).status).toBe(0x12);
    expect((await a.command(OP.LE_SET_ADVERTISING_ENABLE, [2])).status).toBe(0x12);
    // own address random with no random address set
    await a.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ ownAddressType: 1 }));
    expect((await a.command(OP.LE_SET_ADVERTISING_ENABLE, [1])).status).toBe(0x12);
    await advertise(a);
    expect((await a.command(OP.LE_SET_ADVERTISING_PARAMETERS, advParams())).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
    expect((await s.command(OP.LE_SET_SCAN_PARAMETERS, scanParams(true))).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    expect((await s.command(OP.LE_SET_SCAN_ENABLE, [1, 2])).status).toBe(0x12);
  });

  it('two radios never hear each other', async () => {
    const r1 = new Radio();
    const r2 = new Radio();
    try {
      const a = hostFor(r1.createController(), 'a');
      const s = hostFor(r2.createController(), 's');
      await initHost(a);
      await initHost(s);
      await advertise(a);
      await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
      await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
      const until = Date.now() + 100;
      while (Date.now() < until) await s.barrier(OP.READ_BD_ADDR);
      expect(reports(s)).toHaveLength(0);
      // and the same scanner on r1 does hear it
      const s1 = hostFor(r1.createController(), 's1');
      await initHost(s1);
      await s1.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
      await s1.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
      await s1.waitLe(LE_EVT.ADVERTISING_REPORT, 'same-radio report');
    } finally {
      r1.close();
      r2.close();
    }
  });
});
