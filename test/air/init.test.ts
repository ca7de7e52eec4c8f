// Initialisation and information commands answer as Core v5.4 Vol 4 Part E 7.3/7.4/7.8 says.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP, opcode, OGF } from '../../common/base/codes/hci.js';
import { Radio, SUPPORTED_COMMANDS } from '../../common/stack/air/index.js';
import { SUPPORTED_COMMAND_BIT } from '../../common/stack/air/supported-commands.js';
import { advertise, advData, EVENT_MASK_ALL, hostFor, initHost, scanParams, u64 } from './helpers/setup.js';
import type { HciEvent } from './helpers/host.js';

let radio: Radio;
afterEach(() => radio?.close());

function setup(address?: string) {
  radio = new Radio();
  const c = radio.createController(address ? { address } : {});
  return { c, h: hostFor(c, 'host') };
}

describe('initialisation and information', () => {
  it('Reset answers Command Complete 0x00 with Num_HCI_Command_Packets 1', async () => {
    const { h } = setup();
    const r = await h.command(OP.RESET);
    expect(r.kind).toBe('complete');
    expect(r.status).toBe(0);
    expect(r.event.params[0]).toBe(1);
  });

  it('Read Local Version Information says Core 5.4 (0x0D) and company 0xFFFF', async () => {
    const { h } = setup();
    const r = await h.ok(OP.READ_LOCAL_VERSION_INFORMATION);
    expect(r.ret.length).toBe(8);
    expect(r.ret[0]).toBe(0x0d); // HCI_Version
    expect(r.ret[3]).toBe(0x0d); // LMP_Version
    expect(r.ret.readUInt16LE(4)).toBe(0xffff);
  });

  it('Read BD_ADDR returns the controller address least significant octet first', async () => {
    const { h } = setup('C0:FF:EE:00:11:22');
    const r = await h.ok(OP.READ_BD_ADDR);
    expect(r.ret.toString('hex')).toBe('221100eeffc0');
  });

  it('Read Local Supported Features sets LE Supported (Controller) and BR/EDR Not Supported only', async () => {
    const { h } = setup();
    const r = await h.ok(OP.READ_LOCAL_SUPPORTED_FEATURES);
    expect([...r.ret]).toEqual([0, 0, 0, 0, 0x60, 0, 0, 0]);
  });

  it('LE Read Local Supported Features lists encryption, ext reject, peripheral features, ping, DLE, LL Privacy, 2M', async () => {
    const { h } = setup();
    const f = (await h.ok(OP.LE_READ_LOCAL_SUPPORTED_FEATURES)).ret.readBigUInt64LE(0);
    for (const bit of [0n, 1n, 2n, 3n, 4n, 5n, 6n, 8n, 11n]) expect((f >> bit) & 1n).toBe(1n);
    expect((f >> 12n) & 1n).toBe(0n); // no extended advertising
  });

  it('LE Read Buffer Size reports the configured size and count; Read Buffer Size reports no BR/EDR buffers', async () => {
    radio = new Radio();
    const h = hostFor(radio.createController({ aclBufferSize: 100, aclBufferCount: 3 }), 'h');
    const le = await h.ok(OP.LE_READ_BUFFER_SIZE);
    expect(le.ret.readUInt16LE(0)).toBe(100);
    expect(le.ret[2]).toBe(3);
    const br = await h.ok(OP.READ_BUFFER_SIZE);
    expect([...br.ret]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('Read Local Supported Commands is 64 octets with exactly the implemented commands', async () => {
    const { h } = setup();
    const r = await h.ok(OP.READ_LOCAL_SUPPORTED_COMMANDS);
    expect(r.ret.length).toBe(64);
    expect(r.ret.equals(SUPPORTED_COMMANDS)).toBe(true);
    const bit = (octet: number, b: number) => (r.ret[octet]! >> b) & 1;
    expect(bit(5, 7)).toBe(1); // Reset
    expect(bit(0, 5)).toBe(1); // Disconnect
    expect(bit(28, 0)).toBe(1); // LE Enable Encryption
    // no LE Extended Advertising feature, so none of its commands (supported-commands.test.ts walks them all)
    expect(bit(37, 5)).toBe(0); // LE Set Extended Scan Parameters
    expect(bit(37, 6)).toBe(0); // LE Set Extended Scan Enable
    expect(bit(37, 7)).toBe(0); // LE Extended Create Connection
    expect(bit(36, 2)).toBe(0); // LE Set Extended Advertising Parameters
    expect(bit(0, 0)).toBe(0); // Inquiry: BR/EDR
  });

  it('a command answers other than 0x01 exactly when its Supported Commands bit is set', async () => {
    const { h } = setup();
    for (const op of Object.values(OP)) {
      const r = await h.command(op, []);
      const at = SUPPORTED_COMMAND_BIT.get(op);
      const claimed = op === OP.READ_LOCAL_SUPPORTED_COMMANDS || (at !== undefined && ((SUPPORTED_COMMANDS[at[0]]! >> at[1]) & 1) === 1);
      expect({ op: op.toString(16), unknown: r.status === HCI_STATUS.UNKNOWN_HCI_COMMAND }).toEqual({ op: op.toString(16), unknown: !claimed });
    }
  });

  it('an unknown command gets Command Complete with 0x01 Unknown HCI Command, never silence', async () => {
    const { h } = setup();
    for (const op of [opcode(OGF.VENDOR, 0x0001), opcode(OGF.LINK_CONTROL, 0x0001), OP.WRITE_SCAN_ENABLE, opcode(OGF.LE, 0x0036)]) {
      const r = await h.command(op, [1, 2, 3]);
      expect(r.kind).toBe('complete');
      expect(r.status).toBe(HCI_STATUS.UNKNOWN_HCI_COMMAND);
      expect(r.event.params[0]).toBe(1);
    }
  });

  it('a command with the wrong parameter length gets 0x12, sized like its normal answer', async () => {
    const { h } = setup();
    const a = await h.command(OP.SET_EVENT_MASK, [1, 2, 3]);
    expect(a.status).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    const b = await h.command(OP.READ_RSSI, [1]);
    expect(b.status).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(b.ret.length).toBe(3); // handle + RSSI, zero filled
    const c = await h.command(OP.LE_CREATE_CONNECTION, [1, 2]);
    expect(c.kind).toBe('status');
    expect(c.status).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
  });

  it('a header that lies about its length is answered 0x12; garbage is counted, never thrown', async () => {
    const { c, h } = setup();
    h.send(Buffer.from([0x01, 0x03, 0x0c, 0x05])); // Reset claiming 5 parameter octets, carrying 0
    const e = await h.waitEvent((ev) => ev.code === EVT.COMMAND_COMPLETE, 'answer');
    expect(e.params[3]).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(() => {
      c.write(Buffer.alloc(0));
      c.write(Buffer.from([0x09]));
      c.write(Buffer.from([0x01, 0x03]));
      c.write(Buffer.from([0x04, 0x0e, 0x00]));
    }).not.toThrow();
    expect(c.counters.malformed).toBe(2);
    expect(c.counters.unexpectedPackets).toBe(2);
  });

  it('LE Encrypt is AES-128 with HCI byte order (FIPS-197 C.1 vector)', async () => {
    const { h } = setup();
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex').reverse();
    const plain = Buffer.from('00112233445566778899aabbccddeeff', 'hex').reverse();
    const r = await h.ok(OP.LE_ENCRYPT, Buffer.concat([key, plain]));
    expect(Buffer.from(r.ret).reverse().toString('hex')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it('LE Rand returns 8 random octets', async () => {
    const { h } = setup();
    const a = (await h.ok(OP.LE_RAND)).ret;
    const b = (await h.ok(OP.LE_RAND)).ret;
    expect(a.length).toBe(8);
    expect(a.equals(b)).toBe(false);
  });

  it('Write/Read Local Name, LE Host Support, Simple Pairing and SC host support round-trip', async () => {
    const { h } = setup();
    const name = Buffer.alloc(248);
    name.write('blebench');
    await h.ok(OP.WRITE_LOCAL_NAME, name);
    expect((await h.ok(OP.READ_LOCAL_NAME)).ret.subarray(0, 8).toString()).toBe('blebench');
    expect([...(await h.ok(OP.READ_LE_HOST_SUPPORT)).ret]).toEqual([0, 0]);
    await h.ok(OP.WRITE_LE_HOST_SUPPORT, [1, 0]);
    expect([...(await h.ok(OP.READ_LE_HOST_SUPPORT)).ret]).toEqual([1, 0]);
    expect((await h.command(OP.WRITE_LE_HOST_SUPPORT, [2, 0])).status).toBe(0x12);
    await h.ok(OP.WRITE_SIMPLE_PAIRING_MODE, [1]);
    expect([...(await h.ok(OP.READ_SIMPLE_PAIRING_MODE)).ret]).toEqual([1]);
    await h.ok(OP.WRITE_SECURE_CONNECTIONS_HOST_SUPPORT, [1]);
    expect([...(await h.ok(OP.READ_SECURE_CONNECTIONS_HOST_SUPPORT)).ret]).toEqual([1]);
    await h.ok(OP.SET_CONTROLLER_TO_HOST_FLOW_CONTROL, [0]);
    await h.ok(OP.HOST_BUFFER_SIZE, [0xfb, 0, 0, 8, 0, 0, 0]);
    await h.ok(OP.SET_EVENT_MASK_PAGE_2, u64(0n));
  });

  it('filter accept list: size, add, full, remove, clear', async () => {
    const { h } = setup();
    expect((await h.ok(OP.LE_READ_FILTER_ACCEPT_LIST_SIZE)).ret[0]).toBe(16);
    await h.ok(OP.LE_CLEAR_FILTER_ACCEPT_LIST);
    for (let i = 0; i < 16; i++) await h.ok(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [0, i, 0, 0, 0, 0, 0xaa]);
    expect((await h.command(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [0, 99, 0, 0, 0, 0, 0xaa])).status).toBe(HCI_STATUS.MEMORY_CAPACITY_EXCEEDED);
    expect((await h.command(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [7, 99, 0, 0, 0, 0, 0xaa])).status).toBe(0x12);
    await h.ok(OP.LE_REMOVE_DEVICE_FROM_FILTER_ACCEPT_LIST, [0, 3, 0, 0, 0, 0, 0xaa]);
    await h.ok(OP.LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST, [1, 99, 0, 0, 0, 0, 0xaa]);
  });

  it('LL Privacy: the resolving list commands are known (test/air/privacy-*.test.ts has the rest); tx powers are reported', async () => {
    const { h } = setup();
    expect((await h.ok(OP.LE_READ_RESOLVING_LIST_SIZE)).ret[0]).toBe(8);
    await h.ok(OP.LE_CLEAR_RESOLVING_LIST);
    await h.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    expect((await h.ok(OP.LE_READ_ADVERTISING_PHYSICAL_CHANNEL_TX_POWER)).ret.length).toBe(1);
    const tp = (await h.ok(OP.LE_READ_TRANSMIT_POWER)).ret;
    expect(tp.readInt8(0)).toBeLessThan(tp.readInt8(1));
    expect([...(await h.ok(OP.LE_READ_SUPPORTED_STATES)).ret].some((b) => b !== 0)).toBe(true);
  });

  it('suggested default data length and maximum data length', async () => {
    const { h } = setup();
    expect([...(await h.ok(OP.LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH)).ret]).toEqual([27, 0, 0x48, 0x01]);
    await h.ok(OP.LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH, [251, 0, 0x48, 0x08]);
    expect((await h.ok(OP.LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH)).ret.readUInt16LE(0)).toBe(251);
    expect((await h.command(OP.LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH, [252, 0, 0x48, 0x08])).status).toBe(0x12);
    const m = (await h.ok(OP.LE_READ_MAXIMUM_DATA_LENGTH)).ret;
    expect([m.readUInt16LE(0), m.readUInt16LE(2), m.readUInt16LE(4), m.readUInt16LE(6)]).toEqual([251, 17040, 251, 17040]);
  });

  it('LE Set Random Address is Command Disallowed while advertising', async () => {
    const { h } = setup();
    await initHost(h);
    await h.ok(OP.LE_SET_RANDOM_ADDRESS, [1, 2, 3, 4, 5, 0xc6]);
    await advertise(h);
    expect((await h.command(OP.LE_SET_RANDOM_ADDRESS, [1, 2, 3, 4, 5, 0xc7])).status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
  });
});

describe('event masks', () => {
  it('LE Meta events are masked until Set Event Mask turns bit 61 on (spec default)', async () => {
    radio = new Radio();
    const adv = hostFor(radio.createController(), 'adv');
    const scanner = radio.createController();
    const s = hostFor(scanner, 'scanner');
    await initHost(adv);
    await advertise(adv);
    await s.ok(OP.RESET); // default masks: LE Meta off
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.barrier(OP.READ_BD_ADDR);
    expect(s.eventsOf(EVT.LE_META)).toHaveLength(0);
    expect(scanner.counters.maskedEvents).toBeGreaterThan(0);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [0, 1]);
    await s.ok(OP.SET_EVENT_MASK, EVENT_MASK_ALL);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'advertising report once unmasked');
  });

  it('a cleared LE event mask bit suppresses just that subevent', async () => {
    radio = new Radio();
    const adv = hostFor(radio.createController(), 'adv');
    const s = hostFor(radio.createController(), 's');
    await initHost(adv);
    await advertise(adv, {}, [2, 1, 6], [3, 9, 0x41, 0x42]);
    await initHost(s, 0x1fn & ~0x2n); // no LE Advertising Report
    await s.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.barrier(OP.READ_BD_ADDR);
    expect(s.eventsOf(EVT.LE_META, LE_EVT.ADVERTISING_REPORT)).toHaveLength(0);
    await s.ok(OP.LE_SET_SCAN_ENABLE, [0, 0]);
    await s.ok(OP.LE_SET_EVENT_MASK, u64(0x1fn));
    await s.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await s.waitLe(LE_EVT.ADVERTISING_REPORT, 'report with the bit set');
  });

  it('Reset puts the masks back to their defaults', async () => {
    const { c, h } = setup();
    await initHost(h);
    await h.ok(OP.RESET);
    expect(c.state.masks.page1).toBe(0x00001fffffffffffn);
    expect(c.state.masks.le).toBe(0x1fn);
  });
});

describe('what other host stacks send during init', () => {
  it('node-ble-host init sequence: every command answered 0x00 with the fields it reads', async () => {
    const { h } = setup();
    await h.ok(OP.RESET);
    expect((await h.ok(OP.READ_BD_ADDR)).ret.length).toBe(6);
    await h.ok(OP.LE_CLEAR_FILTER_ACCEPT_LIST);
    expect((await h.ok(OP.LE_READ_FILTER_ACCEPT_LIST_SIZE)).ret[0]).toBeGreaterThan(0);
    await h.ok(OP.SET_EVENT_MASK, [0x90, 0x80, 0, 0, 0, 0x80, 0, 0x20]);
    await h.ok(OP.LE_SET_EVENT_MASK, [0x1f, 0, 0, 0, 0, 0, 0, 0]);
    const le = await h.ok(OP.LE_READ_BUFFER_SIZE);
    expect(le.ret.readUInt16LE(0)).toBeGreaterThan(0); // so it never falls back to Read Buffer Size
    expect((await h.ok(OP.LE_READ_SUPPORTED_STATES)).ret.length).toBe(8);
  });

  it('noble/bleno init: event masks, version, LE host support, BD_ADDR, buffer size, scan params, default PHY', async () => {
    const { h } = setup();
    await h.ok(OP.SET_EVENT_MASK, Buffer.from('fffffbff07f8bf3d', 'hex'));
    await h.ok(OP.LE_SET_EVENT_MASK, Buffer.from('1fff000000000000', 'hex'));
    expect((await h.ok(OP.READ_LOCAL_VERSION_INFORMATION)).ret[0]).toBeGreaterThanOrEqual(0x06);
    await h.ok(OP.WRITE_LE_HOST_SUPPORT, [1, 0]);
    await h.ok(OP.READ_LE_HOST_SUPPORT);
    await h.ok(OP.LE_READ_BUFFER_SIZE);
    await h.ok(OP.READ_BD_ADDR);
    await h.ok(OP.LE_SET_DEFAULT_PHY, [0x00, 0x05, 0x05]); // noble 'extended': 1M + Coded
    // noble reads the Supported Commands and, without LE Set Extended Scan Parameters/Enable, scans the legacy way
    await h.ok(OP.READ_LOCAL_SUPPORTED_COMMANDS);
    await h.ok(OP.LE_SET_SCAN_ENABLE, [0, 1]);
    await h.ok(OP.LE_SET_SCAN_PARAMETERS, [1, 0x12, 0, 0x12, 0, 0, 0]);
    await h.ok(OP.LE_SET_ADVERTISING_DATA, advData([2, 1, 6]));
  });
});

describe('robustness', () => {
  it('property: any command, any parameters: exactly one Command Complete/Status, and write() never throws', async () => {
    const { c, h } = setup();
    await initHost(h);
    const ops = Object.values(OP).filter((op) => op !== OP.READ_BD_ADDR && op !== OP.HOST_NUMBER_OF_COMPLETED_PACKETS);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...ops), fc.integer({ min: 0, max: 0xffff })), fc.uint8Array({ maxLength: 40 }), async (op, body) => {
        fc.pre(op !== OP.READ_BD_ADDR && op !== OP.HOST_NUMBER_OF_COMPLETED_PACKETS);
        const since = h.mark();
        const isAnswer = (e: HciEvent) => (e.code === EVT.COMMAND_COMPLETE && e.params.readUInt16LE(1) === op) || (e.code === EVT.COMMAND_STATUS && e.params.readUInt16LE(2) === op);
        expect(() => c.write(Buffer.concat([Buffer.from([0x01, op & 0xff, op >> 8, body.length]), Buffer.from(body)]))).not.toThrow();
        // one command at a time (Vol 4 Part E 4.4): its answer first, then the barrier shows no second one came
        await h.waitEvent(isAnswer, `the answer to 0x${op.toString(16)}`, { since });
        await h.barrier(OP.READ_BD_ADDR);
        const answers = h.events.slice(since).filter(isAnswer);
        expect(answers).toHaveLength(1);
        expect(answers[0]!.code === EVT.COMMAND_COMPLETE ? answers[0]!.params[0] : answers[0]!.params[1]).toBe(1);
      }),
      { numRuns: 400 },
    );
    expect(c.counters.internalErrors).toBe(0);
  });
});
