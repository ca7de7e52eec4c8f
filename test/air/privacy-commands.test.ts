// LL Privacy commands at their edges: the resolving list size, full (0x07), duplicates (0x12),
// unknown entries (0x02), RPA timeout range, and changes refused (0x0C) while address resolution is
// enabled and advertising, scanning or initiating is under way. Core v5.4 Vol 4 Part E 7.8.38-7.8.45, 7.8.77.
import { afterEach, describe, expect, it } from 'vitest';
import { HCI_STATUS, OP } from '../../common/base/codes/hci.js';
import { addressFromWire, Radio } from '../../common/stack/air/index.js';
import { advertise, advParams, createConnection, hostFor, initHost, scanParams } from './helpers/setup.js';
import { identity, resolvingEntry, rpaTimeout, ZERO_IRK } from './helpers/privacy.js';
import { PacketDecoder } from '../../common/stack/trace/packet-decoder.js';
import type { Decoded } from '../../common/stack/trace/timeline.js';

let radio: Radio | undefined;
afterEach(() => {
  radio?.close();
  radio = undefined;
});

async function setup() {
  radio ??= new Radio({ name: 'privacy-commands' });
  const h = hostFor(radio.createController(), 'host');
  await initHost(h);
  return h;
}

const irk = (n: number) => n.toString(16).padStart(32, '0');
const peer = (n: number) => `C0:00:00:00:00:${n.toString(16).padStart(2, '0')}`;
const status = async (h: Awaited<ReturnType<typeof setup>>, op: number, p: Buffer | number[] = []) => (await h.command(op, p)).status;

describe('resolving list commands', () => {
  it('holds 8 entries: the 9th is 0x07 Memory Capacity Exceeded; Remove frees a place', async () => {
    const h = await setup();
    expect((await h.ok(OP.LE_READ_RESOLVING_LIST_SIZE)).ret[0]).toBe(8);
    for (let i = 1; i <= 8; i++) await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(i), irk(i), irk(0x100 + i)));
    expect(await status(h, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(9), irk(9), irk(0x109)))).toBe(HCI_STATUS.MEMORY_CAPACITY_EXCEEDED);
    await h.ok(OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST, identity(1, peer(3)));
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(9), irk(9), irk(0x109)));
    await h.ok(OP.LE_CLEAR_RESOLVING_LIST);
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(10), irk(10), irk(0x110)));
  });

  it('refuses a duplicate identity, or the same non-zero peer IRK under another identity, with 0x12; zero peer IRKs may repeat', async () => {
    const h = await setup();
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(1), irk(0x101)));
    expect(await status(h, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(2), irk(0x102)))).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(await status(h, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(2), irk(1), irk(0x102)))).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    // the same address as a random identity is another device
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(1), irk(3), irk(0x103)));
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(4), ZERO_IRK, irk(0x104)));
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(1, peer(5), ZERO_IRK, irk(0x105)));
    // Peer_Identity_Address_Type is 0x00 or 0x01 only
    expect(await status(h, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(2, peer(6), irk(6), irk(0x106)))).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(await status(h, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, Buffer.alloc(38))).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS); // one octet short
  });

  it('an identity not in the list: Remove, Set Privacy Mode, Read Peer/Local Resolvable Address answer 0x02', async () => {
    const h = await setup();
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(1), ZERO_IRK));
    const unknown = identity(0, peer(2));
    expect(await status(h, OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST, unknown)).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(await status(h, OP.LE_SET_PRIVACY_MODE, [...unknown, 1])).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(await status(h, OP.LE_READ_PEER_RESOLVABLE_ADDRESS, unknown)).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(await status(h, OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, unknown)).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    // known, but no local RPA (zero local IRK) and no peer RPA seen yet
    const known = identity(0, peer(1));
    expect(await status(h, OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, known)).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(await status(h, OP.LE_READ_PEER_RESOLVABLE_ADDRESS, known)).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
    expect(await status(h, OP.LE_SET_PRIVACY_MODE, [...known, 2])).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    await h.ok(OP.LE_SET_PRIVACY_MODE, [...known, 1]);
    await h.ok(OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST, known);
    expect(await status(h, OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST, known)).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
  });

  it('RPA timeout 0x0001 - 0x0E10 s; 0x0000 and 0x0E11 are 0x12; Address_Resolution_Enable 0x02 is 0x12', async () => {
    const h = await setup();
    for (const ok of [0x0001, 0x0384, 0x0e10]) await h.ok(OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, rpaTimeout(ok));
    for (const bad of [0x0000, 0x0e11, 0xffff]) expect(await status(h, OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, rpaTimeout(bad))).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(await status(h, OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [2])).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
  });

  it('Reset empties the list', async () => {
    const h = await setup();
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(1), irk(0x101)));
    await h.ok(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, peer(1)));
    await initHost(h);
    expect(await status(h, OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, peer(1)))).toBe(HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER);
  });
});

describe('the list cannot change while resolution is enabled and the radio is advertising, scanning or initiating (0x0C)', () => {
  // in an order that succeeds when allowed: mode of the entry, add another, remove the first, clear
  const changes = [
    ['Set Privacy Mode', OP.LE_SET_PRIVACY_MODE, Buffer.from([...identity(0, peer(1)), 1])],
    ['Add', OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(2), irk(2), irk(0x102))],
    ['Remove', OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST, identity(0, peer(1))],
    ['Clear', OP.LE_CLEAR_RESOLVING_LIST, Buffer.alloc(0)],
  ] as const;

  async function withEntry() {
    const h = await setup();
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(1), irk(0x101)));
    return h;
  }

  const activities = {
    advertising: async (h: Awaited<ReturnType<typeof setup>>) => advertise(h),
    scanning: async (h: Awaited<ReturnType<typeof setup>>) => {
      await h.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
      await h.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
    },
    initiating: async (h: Awaited<ReturnType<typeof setup>>) => {
      expect((await h.command(OP.LE_CREATE_CONNECTION, createConnection('C0:FF:FF:FF:FF:01'))).status).toBe(0); // nobody there: stays pending
    },
  };

  for (const [activity, start] of Object.entries(activities)) {
    it(`${activity}: Add/Remove/Clear/Set Privacy Mode and Set Address Resolution Enable refused; allowed while resolution is disabled`, async () => {
      const h = await withEntry();
      await h.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
      await start(h);
      for (const [name, op, p] of changes) expect({ name, status: await status(h, op, p) }).toEqual({ name, status: HCI_STATUS.COMMAND_DISALLOWED });
      // 7.8.44: not while advertising, scanning or initiating, whatever the current setting
      expect(await status(h, OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [0])).toBe(HCI_STATUS.COMMAND_DISALLOWED);
      // the RPA timeout may change at any time
      await h.ok(OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, rpaTimeout(60));
      // resolution disabled beforehand: the list may change while active
      const h2 = await withEntry();
      await start(h2);
      for (const [, op, p] of changes) await h2.ok(op, p);
    });
  }

  it('enabled but idle: the list changes', async () => {
    const h = await withEntry();
    await h.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    for (const [, op, p] of changes) await h.ok(op, p);
  });
});

describe('own address type 0x03 without a random address (7.8.9, 7.8.11, 7.8.12)', () => {
  it('advertising and initiating need no random address when the peer has an entry with a local IRK; scanning always needs one (0x12)', async () => {
    const h = await setup();
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(1), irk(0x101)));
    await h.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    // no entry for the advertising peer: 0x12
    await h.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ ownAddressType: 0x03, peerAddress: peer(2) }));
    expect(await status(h, OP.LE_SET_ADVERTISING_ENABLE, [1])).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    await h.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ ownAddressType: 0x03, peerAddress: peer(1) }));
    await h.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
    await h.ok(OP.LE_SET_ADVERTISING_ENABLE, [0]);
    await h.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false, 0x03));
    expect(await status(h, OP.LE_SET_SCAN_ENABLE, [1, 0])).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(await status(h, OP.LE_CREATE_CONNECTION, createConnection(peer(2), { ownAddressType: 0x03 }))).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(await status(h, OP.LE_CREATE_CONNECTION, createConnection(peer(1), { ownAddressType: 0x03 }))).toBe(HCI_STATUS.SUCCESS);
  });
});

describe('the tap decodes the privacy commands as the radio answers them', () => {
  it('Read Local Resolvable Address: the peer identity sent, the RPA returned', async () => {
    const h = await setup();
    await h.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, peer(1), irk(1), irk(0x101)));
    const since = h.packets.length;
    const ret = (await h.ok(OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS, identity(0, peer(1)))).ret;
    const d = new PacketDecoder();
    const out: Decoded<object>[] = [];
    d.decode('tx', Buffer.from([0x01, OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS & 0xff, OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS >> 8, 7, ...identity(0, peer(1))]), out);
    for (const p of h.packets.slice(since)) d.decode('rx', p, out);
    expect(out[0]).toMatchObject({ name: 'HCI LE Read Local Resolvable Address', fields: { peerIdentityAddress: peer(1) } });
    expect(out.at(-1)!.fields).toMatchObject({ localResolvableAddress: addressFromWire(ret, 0) });
  });
});
