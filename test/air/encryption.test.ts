// LE encryption through the peer host: Core v5.4 Vol 4 Part E 7.8.24-26, 7.7.8, 7.7.39,
// 7.7.65.5, 7.5.7; Vol 6 Part B 5.1.3 (start), 5.1.4 (refresh), 5.2 (LL response timeout).
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { Radio } from '../../common/stack/air/index.js';
import type { HciEvent, TestHost } from './helpers/host.js';
import { connectedPair, u16, type Pair } from './helpers/setup.js';

let pair: Pair | undefined;
afterEach(() => {
  pair?.radio.close();
  pair = undefined;
});

const RAND = Buffer.from('0102030405060708', 'hex');
const EDIV = 0x1234;
const LTK = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const OTHER_LTK = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');

function enable(handle: number, ltk = LTK): number[] {
  return [...u16(handle), ...RAND, ...u16(EDIV), ...ltk];
}

function encChange(e: HciEvent) {
  return { status: e.params[0], handle: e.params.readUInt16LE(1), enabled: e.params[3] };
}

const isEncChange = (e: HciEvent) => e.code === EVT.ENCRYPTION_CHANGE;
const isDisconnection = (e: HciEvent) => e.code === EVT.DISCONNECTION_COMPLETE;
function disconnection(e: HciEvent) {
  return { status: e.params[0], handle: e.params.readUInt16LE(1), reason: e.params[3] };
}

async function ltkRequest(p: TestHost, since = 0) {
  const e = await p.waitLe(LE_EVT.LONG_TERM_KEY_REQUEST, 'LTK request', { since });
  return { handle: e.le.readUInt16LE(0), rand: e.le.subarray(2, 10), ediv: e.le.readUInt16LE(10) };
}

describe('LE encryption', () => {
  it('same LTK on both sides: the peer host gets the LTK request, then Encryption Change 0x00 enabled on both', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    expect(await c.command(OP.LE_ENABLE_ENCRYPTION, enable(cHandle))).toMatchObject({ kind: 'status', status: 0 });
    const req = await ltkRequest(p);
    expect(req).toEqual({ handle: pHandle, rand: RAND, ediv: EDIV });
    const reply = await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    expect(reply.ret.readUInt16LE(0)).toBe(pHandle);
    expect(encChange(await c.waitEvent(isEncChange, 'central encryption change'))).toEqual({ status: 0, handle: cHandle, enabled: 1 });
    expect(encChange(await p.waitEvent(isEncChange, 'peripheral encryption change'))).toEqual({ status: 0, handle: pHandle, enabled: 1 });
    // the peripheral's Command Complete comes before its Encryption Change
    expect(p.events.indexOf(reply.event)).toBeLessThan(p.events.findIndex(isEncChange));
    expect([...(await c.ok(OP.READ_ENCRYPTION_KEY_SIZE, u16(cHandle))).ret]).toEqual([...u16(cHandle), 16]);
  });

  it('different LTKs: the MIC check fails, the link drops with Disconnection Complete 0x3D on both sides, no Encryption Change', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle, central, peripheral } = pair;
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    await ltkRequest(p);
    const reply = await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...OTHER_LTK]);
    expect(reply.ret.readUInt16LE(0)).toBe(pHandle);
    const dc = await c.waitEvent(isDisconnection, 'central disconnection');
    const dp = await p.waitEvent(isDisconnection, 'peripheral disconnection');
    expect(disconnection(dc)).toEqual({ status: 0, handle: cHandle, reason: HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE });
    expect(disconnection(dp)).toEqual({ status: 0, handle: pHandle, reason: 0x3d });
    // the reply's Command Complete first, then the link goes; no Encryption Change of either version
    expect(p.events.indexOf(reply.event)).toBeLessThan(p.events.indexOf(dp));
    expect([...c.events, ...p.events].filter((e) => isEncChange(e) || e.code === EVT.ENCRYPTION_CHANGE_V2)).toHaveLength(0);
    expect(central.links.has(cHandle)).toBe(false);
    expect(peripheral.links.has(pHandle)).toBe(false);
    expect((await c.command(OP.READ_ENCRYPTION_KEY_SIZE, u16(cHandle))).status).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
  });

  it('different LTKs on a key refresh of an encrypted link: 0x3D on both sides as well, no Key Refresh Complete', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    await ltkRequest(p);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    await c.waitEvent(isEncChange, 'first encryption');
    const since = p.mark();
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle, OTHER_LTK));
    await ltkRequest(p, since);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    expect(disconnection(await c.waitEvent(isDisconnection, 'central')).reason).toBe(0x3d);
    expect(disconnection(await p.waitEvent(isDisconnection, 'peripheral')).reason).toBe(0x3d);
    expect(c.eventsOf(EVT.ENCRYPTION_KEY_REFRESH_COMPLETE)).toHaveLength(0);
  });

  it('negative reply: the central gets Encryption Change 0x06, the peer host only its Command Complete', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    await ltkRequest(p);
    const r = await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, u16(pHandle));
    expect(r.ret.readUInt16LE(0)).toBe(pHandle);
    expect(encChange(await c.waitEvent(isEncChange, 'central'))).toEqual({ status: 0x06, handle: cHandle, enabled: 0 });
    await p.barrier(OP.READ_BD_ADDR);
    await c.barrier(OP.READ_BD_ADDR);
    expect(p.events.filter(isEncChange)).toHaveLength(0);
    // LL_REJECT_EXT_IND ends the procedure, not the link (Vol 6 Part B 5.1.3.1)
    expect([...c.events, ...p.events].filter(isDisconnection)).toHaveLength(0);
    expect(pair.central.links.has(cHandle) && pair.peripheral.links.has(pHandle)).toBe(true);
    expect((await c.command(OP.READ_ENCRYPTION_KEY_SIZE, u16(cHandle))).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
  });

  it('already encrypted: a second LE Enable Encryption is a key refresh (Encryption Key Refresh Complete on both)', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    await ltkRequest(p);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    await c.waitEvent(isEncChange, 'first encryption');
    const since = p.mark();
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    await ltkRequest(p, since);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    const isRefresh = (e: HciEvent) => e.code === EVT.ENCRYPTION_KEY_REFRESH_COMPLETE;
    const rc = await c.waitEvent(isRefresh, 'central refresh');
    const rp = await p.waitEvent(isRefresh, 'peripheral refresh');
    expect([rc.params[0], rc.params.readUInt16LE(1)]).toEqual([0, cHandle]);
    expect([rp.params[0], rp.params.readUInt16LE(1)]).toEqual([0, pHandle]);
    expect(c.events.filter(isEncChange)).toHaveLength(1);
  });

  it('only the central may start encryption (0x0C); one procedure at a time (0x0C); stray replies 0x0C', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    expect((await p.command(OP.LE_ENABLE_ENCRYPTION, enable(pHandle))).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    const stray = await p.command(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    expect(stray.status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    expect(stray.ret.readUInt16LE(0)).toBe(pHandle);
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    expect((await c.command(OP.LE_ENABLE_ENCRYPTION, enable(cHandle))).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
  });

  it('a peer host that never answers the LTK request: the link drops with 0x22 LL Response Timeout', async () => {
    pair = await connectedPair(new Radio({ encryptionTimeoutMs: 50 }));
    const { c, p, cHandle } = pair;
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    await ltkRequest(p);
    const dc = await c.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'timeout', { timeoutMs: 1000 });
    expect(dc.params[3]).toBe(HCI_STATUS.LL_RESPONSE_TIMEOUT);
    expect((await p.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'peer timeout')).params[3]).toBe(0x22);
  });

  it('a peripheral host that masked the LTK request event: the central gets 0x06 at once', async () => {
    pair = await connectedPair(new Radio(), 0x0fn);
    const { c, cHandle } = pair;
    await c.ok(OP.LE_ENABLE_ENCRYPTION, enable(cHandle));
    expect(encChange(await c.waitEvent(isEncChange, 'central'))).toMatchObject({ status: 0x06 });
  });
});
