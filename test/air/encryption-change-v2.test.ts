// Encryption Change [v2] (event 0x59, with Encryption_Key_Size) in place of [v1] when the host
// unmasked it with Set Event Mask Page 2 bit 25: Core v5.4 Vol 4 Part E 7.7.8, 7.3.69, 7.3.1 (page 1
// bit 7 governs [v1]). Raw H4 hosts on the air; a tap on the central's side decodes what it got.
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { DEFAULT_EVENT_MASK } from '../../common/stack/air/event-mask.js';
import { Tap } from '../../common/stack/trace/tap.js';
import type { HciEvent, TestHost } from './helpers/host.js';
import { connectedPair, u16, u64, type Pair } from './helpers/setup.js';

let pair: Pair | undefined;
afterEach(() => {
  pair?.radio.close();
  pair = undefined;
});

const RAND = Buffer.from('0102030405060708', 'hex');
const EDIV = 0x1234;
const LTK = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
/** Set Event Mask Page 2 bit 25: Encryption Change [v2]. */
const PAGE_2_ENCRYPTION_CHANGE_V2 = 1n << 25n;
/** Set Event Mask page 1 bit 7: Encryption Change [v1]. */
const PAGE_1_ENCRYPTION_CHANGE = 1n << 7n;

const isV1 = (e: HciEvent) => e.code === EVT.ENCRYPTION_CHANGE;
const isV2 = (e: HciEvent) => e.code === EVT.ENCRYPTION_CHANGE_V2;
const v2Fields = (e: HciEvent) => ({ length: e.params.length, status: e.params[0], handle: e.params.readUInt16LE(1), enabled: e.params[3], keySize: e.params[4] });

async function start(pr: Pair): Promise<void> {
  await pr.c.ok(OP.LE_ENABLE_ENCRYPTION, [...u16(pr.cHandle), ...RAND, ...u16(EDIV), ...LTK]);
  await pr.p.waitLe(LE_EVT.LONG_TERM_KEY_REQUEST, 'LTK request');
}

async function page2(h: TestHost, mask: bigint): Promise<void> {
  await h.ok(OP.SET_EVENT_MASK_PAGE_2, u64(mask));
}

describe('Encryption Change [v2]', () => {
  it('unmasked on page 2: both hosts get 0x59 with Encryption_Key_Size 16, and no [v1]', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    const tap = new Tap({ name: 'central' });
    for (const pk of c.packets) tap.observe('rx', pk); // what the central's host got so far: the connection
    c.endpoint.onPacket((pk) => tap.observe('rx', pk));
    await page2(c, PAGE_2_ENCRYPTION_CHANGE_V2);
    await page2(p, PAGE_2_ENCRYPTION_CHANGE_V2);
    await start(pair);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    expect(v2Fields(await c.waitEvent(isV2, 'central v2'))).toEqual({ length: 5, status: 0, handle: cHandle, enabled: 1, keySize: 16 });
    expect(v2Fields(await p.waitEvent(isV2, 'peripheral v2'))).toEqual({ length: 5, status: 0, handle: pHandle, enabled: 1, keySize: 16 });
    await c.barrier(OP.READ_BD_ADDR);
    await p.barrier(OP.READ_BD_ADDR);
    expect([...c.events, ...p.events].filter(isV1)).toHaveLength(0);
    // the same size as Read Encryption Key Size answers (7.5.7)
    expect((await c.ok(OP.READ_ENCRYPTION_KEY_SIZE, u16(cHandle))).ret[2]).toBe(16);
    // the tap names it, and its link state takes it as an Encryption Change with the key size
    const entry = tap.entries.find((e) => e.name === 'HCI Encryption Change V2');
    expect(entry?.fields).toMatchObject({ status: 0, handle: cHandle, enabled: true, encryptionKeySize: 16 });
    expect(entry?.summary).toMatch(/encryption on, key size 16/);
    expect(tap.link(cHandle)).toMatchObject({ encrypted: true, encryptionStatus: 0, keySize: 16, keySizeSource: 'hci', encryptionChanges: 1 });
  });

  it('only one host unmasked it: that host gets [v2], the other [v1]', async () => {
    pair = await connectedPair();
    const { c, p, pHandle } = pair;
    await page2(p, PAGE_2_ENCRYPTION_CHANGE_V2);
    await start(pair);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    expect((await c.waitEvent(isV1, 'central v1')).params).toHaveLength(4);
    expect(v2Fields(await p.waitEvent(isV2, 'peripheral v2')).keySize).toBe(16);
    await c.barrier(OP.READ_BD_ADDR);
    expect(c.events.filter(isV2)).toHaveLength(0);
  });

  it('[v2] unmasked with page 1 bit 7 (the [v1] bit) cleared still comes; both masked: none, counted as masked', async () => {
    pair = await connectedPair();
    const { c, p, pHandle, central, peripheral } = pair;
    const page1WithoutV1 = u64(0xffffffffffffffffn & ~PAGE_1_ENCRYPTION_CHANGE);
    await c.ok(OP.SET_EVENT_MASK, page1WithoutV1);
    await p.ok(OP.SET_EVENT_MASK, page1WithoutV1);
    await page2(c, PAGE_2_ENCRYPTION_CHANGE_V2);
    const maskedBefore = peripheral.counters.maskedEvents;
    await start(pair);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...LTK]);
    expect(v2Fields(await c.waitEvent(isV2, 'central v2')).enabled).toBe(1);
    await p.barrier(OP.READ_BD_ADDR);
    expect(p.events.filter((e) => isV1(e) || isV2(e))).toHaveLength(0);
    expect(peripheral.counters.maskedEvents).toBe(maskedBefore + 1);
    expect(central.counters.maskedEvents).toBe(0);
  });

  it('a failed start (negative reply) comes as [v2] too: status 0x06, encryption off, key size 0', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    await page2(c, PAGE_2_ENCRYPTION_CHANGE_V2);
    await start(pair);
    await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, u16(pHandle));
    expect(v2Fields(await c.waitEvent(isV2, 'central v2'))).toEqual({ length: 5, status: 0x06, handle: cHandle, enabled: 0, keySize: 0 });
  });

  it('Reset puts page 2 back to all off (7.3.69 default): [v1] again', async () => {
    pair = await connectedPair();
    const { c, central } = pair;
    await page2(c, PAGE_2_ENCRYPTION_CHANGE_V2);
    expect(central.state.masks.allows(EVT.ENCRYPTION_CHANGE_V2)).toBe(true);
    await c.ok(OP.RESET);
    expect(central.state.masks.page2).toBe(0n);
    expect(central.state.masks.page1).toBe(DEFAULT_EVENT_MASK);
    expect(central.state.masks.allows(EVT.ENCRYPTION_CHANGE_V2)).toBe(false);
    expect(central.state.masks.allows(EVT.ENCRYPTION_CHANGE)).toBe(true);
  });

  it('Set Event Mask Page 2 with a wrong length is refused 0x12 and changes nothing', async () => {
    pair = await connectedPair();
    const { c, central } = pair;
    const r = await c.command(OP.SET_EVENT_MASK_PAGE_2, [0, 0, 0, 2, 0, 0, 0]);
    expect(r.status).toBe(0x12);
    expect(central.state.masks.page2).toBe(0n);
  });
});
