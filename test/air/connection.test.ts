// Connections: Core v5.4 Vol 4 Part E 7.8.12/13 (create, cancel), 7.1.6 (disconnect), 7.8.18
// (update), 7.5.4 (RSSI), 7.8.33 (data length), 7.8.47/49 (PHY), 7.8.21, 7.1.23, 7.7.65.1/10.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { addressFromWire, Radio, type RadioOptions } from '../../common/stack/air/index.js';
import { HIGH_DUTY_DIRECTED_TIMEOUT_MS } from '../../common/stack/air/advertising.js';
import type { HciEvent, TestHost } from './helpers/host.js';
import { advertise, advParams, connectedPair, createConnection, hostFor, initHost, u16, u64, type Pair } from './helpers/setup.js';

let radio: Radio | undefined;
let pair: Pair | undefined;
afterEach(() => {
  pair?.radio.close();
  radio?.close();
  pair = undefined;
  radio = undefined;
});

function connComplete(e: HciEvent) {
  const b = e.le;
  return { status: b[0], handle: b.readUInt16LE(1), role: b[3], peerType: b[4], peer: addressFromWire(b, 5), interval: b.readUInt16LE(11), latency: b.readUInt16LE(13), timeout: b.readUInt16LE(15) };
}

function disconnections(h: TestHost) {
  return h.eventsOf(EVT.DISCONNECTION_COMPLETE).map((e) => ({ status: e.params[0], handle: e.params.readUInt16LE(1), reason: e.params[3] }));
}

async function twoHosts(options: RadioOptions = {}) {
  radio = new Radio(options);
  const central = radio.createController();
  const peripheral = radio.createController();
  const c = hostFor(central, 'central');
  const p = hostFor(peripheral, 'peripheral');
  await initHost(c);
  await initHost(p);
  return { central, peripheral, c, p };
}

describe('connection creation', () => {
  it('both sides get LE Connection Complete with roles, peer addresses and the command parameters', async () => {
    const { central, peripheral, c, p } = await twoHosts();
    await advertise(p);
    const cs = await c.command(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address, { intervalMin: 0x18, intervalMax: 0x28, latency: 2, timeout: 0x100 }));
    expect(cs).toMatchObject({ kind: 'status', status: 0 });
    const cc = connComplete(await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'central complete'));
    const pc = connComplete(await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'peripheral complete'));
    expect(cc).toMatchObject({ status: 0, role: 0x00, peerType: 0, peer: peripheral.address, interval: 0x18, latency: 2, timeout: 0x100 });
    expect(pc).toMatchObject({ status: 0, role: 0x01, peerType: 0, peer: central.address, interval: 0x18, latency: 2, timeout: 0x100 });
    // Command Status comes before the connection complete on the central
    const order = c.events.filter((e) => e.code === EVT.COMMAND_STATUS || e.subevent === LE_EVT.CONNECTION_COMPLETE).map((e) => e.code);
    expect(order).toEqual([EVT.COMMAND_STATUS, EVT.LE_META]);
    // advertising stopped: the host must re-enable
    expect(peripheral.state.adv.enabled).toBe(false);
  });

  it('a peer that is not advertising yet is connected as soon as it starts', async () => {
    const { peripheral, c, p } = await twoHosts();
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    await c.barrier(OP.READ_BD_ADDR);
    expect(c.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)).toHaveLength(0);
    await advertise(p);
    expect(connComplete(await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'late connection')).status).toBe(0);
    await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'peripheral side');
  });

  it('a non-connectable advertiser is never connected', async () => {
    const { peripheral, c, p } = await twoHosts();
    await advertise(p, { type: 0x03, intervalMin: 0xa0 });
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    await c.barrier(OP.READ_BD_ADDR);
    expect(c.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)).toHaveLength(0);
  });

  it('cancel: Command Complete 0x00, then LE Connection Complete 0x02; nothing pending: 0x0C', async () => {
    const { peripheral, c } = await twoHosts();
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    const second = await c.command(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    expect(second.status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    const since = c.mark();
    const cancel = await c.command(OP.LE_CREATE_CONNECTION_CANCEL);
    expect(cancel).toMatchObject({ kind: 'complete', status: 0 });
    const e = await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'cancelled', { since });
    expect(e.le[0]).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(c.events.indexOf(cancel.event)).toBeLessThan(c.events.indexOf(e));
    expect((await c.command(OP.LE_CREATE_CONNECTION_CANCEL)).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
  });

  it('LE Enhanced Connection Complete replaces the legacy event when unmasked', async () => {
    pair = await connectedPair(new Radio(), 0x1fn | (1n << 9n));
    expect(pair.c.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)).toHaveLength(0);
    const e = pair.c.eventsOf(EVT.LE_META, LE_EVT.ENHANCED_CONNECTION_COMPLETE)[0]!;
    expect(e.le.length).toBe(30);
    expect(addressFromWire(e.le, 5)).toBe(pair.peripheral.address);
  });

  it('LE Extended Create Connection is unknown (0x01, no LE Extended Advertising feature): nothing starts', async () => {
    const { central, peripheral, c, p } = await twoHosts();
    await advertise(p);
    const phy = [...u16(0x60), ...u16(0x60), ...u16(6), ...u16(0x12), ...u16(0), ...u16(0x2a), ...u16(0), ...u16(0)];
    const params = [0, 0, 0, ...Buffer.from(peripheral.address.split(':').reverse().join(''), 'hex'), 0x05, ...phy, ...phy];
    const r = await c.command(OP.LE_EXTENDED_CREATE_CONNECTION, params);
    expect(r).toMatchObject({ kind: 'complete', status: HCI_STATUS.UNKNOWN_HCI_COMMAND });
    expect(central.state.initiating).toBeUndefined();
    expect(central.links.size).toBe(0);
  });

  it('create connection validates parameters (0x12) and refuses a second link to the same peer (0x0B)', async () => {
    pair = await connectedPair();
    const { c, peripheral } = pair;
    expect((await c.command(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address, { intervalMin: 5 }))).status).toBe(0x12);
    expect((await c.command(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address, { timeout: 0x0a, intervalMax: 0x100 }))).status).toBe(0x12);
    expect((await c.command(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address))).status).toBe(HCI_STATUS.CONNECTION_ALREADY_EXISTS);
  });

  it('initiator filter policy 0x01 connects to an advertiser in the filter accept list', async () => {
    const { peripheral, c, p } = await twoHosts();
    await c.ok(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [0, ...Buffer.from(peripheral.address.split(':').reverse().join(''), 'hex')]);
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection('00:00:00:00:00:00', { filterPolicy: 1 }));
    expect((await c.command(OP.LE_CLEAR_FILTER_ACCEPT_LIST)).status).toBe(HCI_STATUS.COMMAND_DISALLOWED); // in use
    await advertise(p);
    expect(connComplete(await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'via accept list')).peer).toBe(peripheral.address);
  });

  it('high duty cycle directed advertising ends with LE Connection Complete 0x3C when nobody connects, 1.28 s after it started', async () => {
    const { central, p } = await twoHosts();
    await p.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ type: 0x01, peerAddress: '11:22:33:44:55:66' }));
    // The radio's 1.28 s on fake timers (only setTimeout: the HCI turns are real), so its length is checked without waiting it out.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await p.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
      vi.advanceTimersByTime(HIGH_DUTY_DIRECTED_TIMEOUT_MS - 1);
      await p.barrier(OP.READ_BD_ADDR);
      expect(p.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE), 'still advertising 1 ms before 1.28 s').toHaveLength(0);
      vi.advanceTimersByTime(1);
      const e = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'advertising timeout', { timeoutMs: 3000 });
      expect(e.le[0]).toBe(HCI_STATUS.ADVERTISING_TIMEOUT);
      expect(central.links.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect(HIGH_DUTY_DIRECTED_TIMEOUT_MS).toBe(1280); // Vol 6 Part B 4.4.2.4.3
  });

  it('a radio made with a shorter high duty directed advertising time ends it then (0x3C)', async () => {
    const { p } = await twoHosts({ highDutyDirectedTimeoutMs: 50 });
    await p.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ type: 0x01, peerAddress: '11:22:33:44:55:66' }));
    const started = performance.now();
    await p.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
    const e = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'advertising timeout', { timeoutMs: 3000 });
    expect(e.le[0]).toBe(HCI_STATUS.ADVERTISING_TIMEOUT);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(() => new Radio({ highDutyDirectedTimeoutMs: 0 })).toThrow(/highDutyDirectedTimeoutMs must be a positive number/);
  });
});

describe('disconnection', () => {
  it('central disconnects: Command Status, local 0x16, peer gets the given reason 0x13', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    const cs = await c.command(OP.DISCONNECT, [...u16(cHandle), 0x13]);
    expect(cs).toMatchObject({ kind: 'status', status: 0 });
    await c.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'local disconnection');
    await p.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'peer disconnection');
    expect(disconnections(c)).toEqual([{ status: 0, handle: cHandle, reason: 0x16 }]);
    expect(disconnections(p)).toEqual([{ status: 0, handle: pHandle, reason: 0x13 }]);
  });

  it('peripheral disconnects with 0x15: the central hears 0x15, the peripheral 0x16', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    await p.ok(OP.DISCONNECT, [...u16(pHandle), 0x15]);
    await c.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'central hears');
    await p.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'peripheral hears');
    expect(disconnections(c)).toEqual([{ status: 0, handle: cHandle, reason: 0x15 }]);
    expect(disconnections(p)).toEqual([{ status: 0, handle: pHandle, reason: 0x16 }]);
  });

  it('a reason the spec does not allow is 0x12; an unknown handle is 0x02', async () => {
    pair = await connectedPair();
    expect((await pair.c.command(OP.DISCONNECT, [...u16(pair.cHandle), 0x16])).status).toBe(0x12);
    expect((await pair.c.command(OP.DISCONNECT, [...u16(0x0abc), 0x13])).status).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
  });

  it('closing a controller disconnects its peer with 0x08 Connection Timeout', async () => {
    pair = await connectedPair();
    pair.central.close();
    const e = await pair.p.waitEvent((ev) => ev.code === EVT.DISCONNECTION_COMPLETE, 'timeout');
    expect(e.params[3]).toBe(HCI_STATUS.CONNECTION_TIMEOUT);
    expect(pair.radio.controllers.has(pair.central)).toBe(false);
  });

  it('Reset drops links: the peer sees 0x08, the resetting host gets only Command Complete', async () => {
    pair = await connectedPair();
    await pair.c.ok(OP.RESET);
    expect((await pair.p.waitEvent((ev) => ev.code === EVT.DISCONNECTION_COMPLETE, 'timeout')).params[3]).toBe(0x08);
    expect(disconnections(pair.c)).toHaveLength(0);
    expect(pair.central.links.size).toBe(0);
  });

  it('Radio.close powers everything off and clears every timer', async () => {
    pair = await connectedPair();
    pair.radio.close();
    expect(pair.radio.controllers.size).toBe(0);
    expect(pair.radio.timers.size).toBe(0);
  });
});

describe('link procedures', () => {
  it('connection update from the central: Command Status, then LE Connection Update Complete on both sides', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    const cs = await c.command(OP.LE_CONNECTION_UPDATE, [...u16(cHandle), ...u16(0x30), ...u16(0x40), ...u16(1), ...u16(0x200), 0, 0, 0, 0]);
    expect(cs).toMatchObject({ kind: 'status', status: 0 });
    const upd = (e: HciEvent) => [e.le[0], e.le.readUInt16LE(1), e.le.readUInt16LE(3), e.le.readUInt16LE(5), e.le.readUInt16LE(7)];
    expect(upd(await c.waitLe(LE_EVT.CONNECTION_UPDATE_COMPLETE, 'central update'))).toEqual([0, cHandle, 0x30, 1, 0x200]);
    expect(upd(await p.waitLe(LE_EVT.CONNECTION_UPDATE_COMPLETE, 'peripheral update'))).toEqual([0, pHandle, 0x30, 1, 0x200]);
  });

  it('connection update from the peripheral goes through the central host\'s parameter request', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    await p.ok(OP.LE_CONNECTION_UPDATE, [...u16(pHandle), ...u16(0x50), ...u16(0x60), ...u16(0), ...u16(0x300), 0, 0, 0, 0]);
    const req = await c.waitLe(LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST, 'parameter request');
    expect([req.le.readUInt16LE(0), req.le.readUInt16LE(2), req.le.readUInt16LE(4)]).toEqual([cHandle, 0x50, 0x60]);
    const r = await c.ok(OP.LE_REMOTE_CONNECTION_PARAMETER_REQUEST_REPLY, [...u16(cHandle), ...u16(0x50), ...u16(0x60), ...u16(0), ...u16(0x300), 0, 0, 0, 0]);
    expect(r.ret.readUInt16LE(0)).toBe(cHandle);
    expect((await p.waitLe(LE_EVT.CONNECTION_UPDATE_COMPLETE, 'peripheral update')).le.readUInt16LE(3)).toBe(0x50);
    await c.waitLe(LE_EVT.CONNECTION_UPDATE_COMPLETE, 'central update');
    // and a negative reply reaches the peripheral as the status
    const since = p.mark();
    await p.ok(OP.LE_CONNECTION_UPDATE, [...u16(pHandle), ...u16(0x70), ...u16(0x70), ...u16(0), ...u16(0x300), 0, 0, 0, 0]);
    await c.waitLe(LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST, 'second request', { since: c.mark() - 1 });
    await c.ok(OP.LE_REMOTE_CONNECTION_PARAMETER_REQUEST_NEGATIVE_REPLY, [...u16(cHandle), 0x3b]);
    expect((await p.waitLe(LE_EVT.CONNECTION_UPDATE_COMPLETE, 'rejected', { since })).le[0]).toBe(0x3b);
  });

  it('Read RSSI reports what this side hears of the peer; unknown handle 0x02 echoes the handle', async () => {
    radio = new Radio();
    const central = radio.createController({ rssi: -61 });
    const peripheral = radio.createController({ rssi: -73 });
    const c = hostFor(central, 'c');
    const p = hostFor(peripheral, 'p');
    await initHost(c);
    await initHost(p);
    await advertise(p);
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    const h = connComplete(await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'conn')).handle;
    const r = await c.ok(OP.READ_RSSI, u16(h));
    expect([r.ret.readUInt16LE(0), r.ret.readInt8(2)]).toEqual([h, -73]);
    const bad = await c.command(OP.READ_RSSI, u16(0x0123));
    expect(bad.status).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(bad.ret.readUInt16LE(0)).toBe(0x0123);
  });

  it('LE Set Data Length: Command Complete with handle, then Data Length Change on both sides', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    const r = await c.ok(OP.LE_SET_DATA_LENGTH, [...u16(cHandle), ...u16(251), ...u16(2120)]);
    expect(r.ret.readUInt16LE(0)).toBe(cHandle);
    const dl = (e: HciEvent) => [0, 2, 4, 6, 8].map((o) => e.le.readUInt16LE(o));
    expect(dl(await c.waitLe(LE_EVT.DATA_LENGTH_CHANGE, 'central'))).toEqual([cHandle, 251, 2120, 27, 328]);
    expect(dl(await p.waitLe(LE_EVT.DATA_LENGTH_CHANGE, 'peripheral'))).toEqual([pHandle, 27, 328, 251, 2120]);
    expect((await c.command(OP.LE_SET_DATA_LENGTH, [...u16(cHandle), ...u16(10), ...u16(2120)])).status).toBe(0x12);
  });

  it('suggested default data length is applied when a link is made', async () => {
    radio = new Radio();
    const central = radio.createController();
    const peripheral = radio.createController();
    const c = hostFor(central, 'c');
    const p = hostFor(peripheral, 'p');
    await initHost(c);
    await initHost(p);
    await c.ok(OP.LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH, [...u16(251), ...u16(2120)]);
    await advertise(p);
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    const e = await p.waitLe(LE_EVT.DATA_LENGTH_CHANGE, 'automatic data length update');
    expect(e.le.readUInt16LE(6)).toBe(251); // peripheral's MaxRxOctets
  });

  it('LE Read PHY starts at 1M; LE Set PHY to 2M: Command Status then PHY Update Complete on both', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    expect([...(await c.ok(OP.LE_READ_PHY, u16(cHandle))).ret.subarray(2)]).toEqual([1, 1]);
    expect(await c.command(OP.LE_SET_PHY, [...u16(cHandle), 0, 0b010, 0b010, 0, 0])).toMatchObject({ kind: 'status', status: 0 });
    const phy = (e: HciEvent) => [e.le[0], e.le.readUInt16LE(1), e.le[3], e.le[4]];
    expect(phy(await c.waitLe(LE_EVT.PHY_UPDATE_COMPLETE, 'central phy'))).toEqual([0, cHandle, 2, 2]);
    expect(phy(await p.waitLe(LE_EVT.PHY_UPDATE_COMPLETE, 'peripheral phy'))).toEqual([0, pHandle, 2, 2]);
    expect([...(await p.ok(OP.LE_READ_PHY, u16(pHandle))).ret.subarray(2)]).toEqual([2, 2]);
    expect((await c.command(OP.LE_SET_PHY, [...u16(cHandle), 0, 0, 0b010, 0, 0])).status).toBe(0x12);
    expect((await c.command(OP.LE_SET_DEFAULT_PHY, [0, 0b1000, 1])).status).toBe(HCI_STATUS.UNSUPPORTED_FEATURE_OR_PARAMETER_VALUE);
  });

  it('LE Read Remote Features and Read Remote Version Information complete with the peer\'s values', async () => {
    pair = await connectedPair();
    const { c, cHandle } = pair;
    await c.ok(OP.LE_READ_REMOTE_FEATURES, u16(cHandle));
    const f = await c.waitLe(LE_EVT.READ_REMOTE_FEATURES_COMPLETE, 'features');
    expect([f.le[0], f.le.readUInt16LE(1)]).toEqual([0, cHandle]);
    expect(f.le.readBigUInt64LE(3) & 1n).toBe(1n); // LE Encryption
    await c.ok(OP.READ_REMOTE_VERSION_INFORMATION, u16(cHandle));
    const v = await c.waitEvent((e) => e.code === EVT.READ_REMOTE_VERSION_INFORMATION_COMPLETE, 'version');
    expect([v.params[0], v.params.readUInt16LE(1), v.params[3], v.params.readUInt16LE(4)]).toEqual([0, cHandle, 0x0d, 0xffff]);
  });

  it('commands naming an unknown handle answer 0x02', async () => {
    pair = await connectedPair();
    const { c } = pair;
    const h = u16(0x0777);
    for (const [op, params] of [
      [OP.LE_CONNECTION_UPDATE, [...h, ...u16(0x30), ...u16(0x40), 0, 0, ...u16(0x200), 0, 0, 0, 0]],
      [OP.LE_READ_REMOTE_FEATURES, h],
      [OP.READ_REMOTE_VERSION_INFORMATION, h],
      [OP.LE_SET_DATA_LENGTH, [...h, ...u16(251), ...u16(2120)]],
      [OP.LE_READ_PHY, h],
      [OP.LE_SET_PHY, [...h, 0, 1, 1, 0, 0]],
      [OP.LE_ENABLE_ENCRYPTION, [...h, ...Buffer.alloc(26)]],
      [OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...h, ...Buffer.alloc(16)]],
      [OP.READ_ENCRYPTION_KEY_SIZE, h],
      [OP.READ_AUTHENTICATED_PAYLOAD_TIMEOUT, h],
      [OP.READ_TRANSMIT_POWER_LEVEL, [...h, 0]],
      [OP.LE_READ_CHANNEL_MAP, h],
    ] as const) {
      expect({ op: op.toString(16), status: (await c.command(op, [...params])).status }).toEqual({ op: op.toString(16), status: 0x02 });
    }
  });

  it('authenticated payload timeout, transmit power and channel map on a live link', async () => {
    pair = await connectedPair();
    const { c, cHandle } = pair;
    expect((await c.ok(OP.READ_AUTHENTICATED_PAYLOAD_TIMEOUT, u16(cHandle))).ret.readUInt16LE(2)).toBe(3000);
    await c.ok(OP.WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT, [...u16(cHandle), ...u16(500)]);
    expect((await c.ok(OP.READ_AUTHENTICATED_PAYLOAD_TIMEOUT, u16(cHandle))).ret.readUInt16LE(2)).toBe(500);
    expect((await c.ok(OP.READ_TRANSMIT_POWER_LEVEL, [...u16(cHandle), 1])).ret.length).toBe(3);
    expect([...(await c.ok(OP.LE_READ_CHANNEL_MAP, u16(cHandle))).ret.subarray(2)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x1f]);
    await c.ok(OP.SET_EVENT_MASK_PAGE_2, u64(0n));
  });
});
