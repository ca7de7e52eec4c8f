// Zephyr VS Write BD_ADDR (opcode 0xFC06) on the virtual controller: zephyr hci_vs.h,
// subsys/bluetooth/controller/hci/hci.c vs_write_bd_addr, ll_sw/ll_addr.c ll_addr_set.
import { afterEach, describe, expect, it } from 'vitest';
import { HCI_STATUS, LE_EVT, OP, VS_OP } from '../../common/base/codes/hci.js';
import { addressFromWire, addressToWire, Radio, type VirtualController } from '../../common/stack/air/index.js';
import { advertise, connectedPair, createConnection, hostFor, initHost, scanParams, type Pair } from './helpers/setup.js';

let radio: Radio | undefined;
let pair: Pair | undefined;
afterEach(() => {
  radio?.close();
  pair?.radio.close();
  radio = undefined;
  pair = undefined;
});

const NEW = 'C0:FF:EE:00:00:01';

async function oneHost() {
  radio = new Radio();
  const c = radio.createController();
  const h = hostFor(c, 'host');
  await initHost(h);
  return { c, h };
}

function refusals(c: VirtualController) {
  const seen: Array<{ address: string; status: number; reason: string }> = [];
  c.on('public-address-refused', (e) => seen.push(e));
  return seen;
}

describe('Zephyr VS Write BD_ADDR', () => {
  it('sets what Read BD_ADDR returns', async () => {
    const { c, h } = await oneHost();
    const before = await h.ok(OP.READ_BD_ADDR);
    expect(addressFromWire(before.ret)).not.toBe(NEW);
    const r = await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
    expect(r).toMatchObject({ kind: 'complete', status: HCI_STATUS.SUCCESS });
    expect(r.ret).toHaveLength(0); // Command Complete carries the Status octet only
    expect(addressFromWire((await h.ok(OP.READ_BD_ADDR)).ret)).toBe(NEW);
    expect(c.address).toBe(NEW);
  });

  it('survives HCI Reset, as on Zephyr (ll_reset keeps pub_addr)', async () => {
    const { h } = await oneHost();
    await h.ok(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
    await h.ok(OP.RESET);
    expect(addressFromWire((await h.ok(OP.READ_BD_ADDR)).ret)).toBe(NEW);
  });

  it('peers see the new address in advertising reports and connect to it', async () => {
    radio = new Radio();
    const p = hostFor(radio.createController(), 'peripheral');
    const cCtl = radio.createController();
    const c = hostFor(cCtl, 'central');
    await initHost(p);
    await initHost(c);
    await p.ok(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
    await advertise(p);
    await c.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(false));
    await c.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
    const report = await c.waitLe(LE_EVT.ADVERTISING_REPORT, 'advertising report');
    expect(addressFromWire(report.le, 3)).toBe(NEW);
    await c.ok(OP.LE_SET_SCAN_ENABLE, [0, 0]);
    expect((await c.command(OP.LE_CREATE_CONNECTION, createConnection(NEW))).status).toBe(HCI_STATUS.SUCCESS);
    const cc = await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'central connection complete');
    expect(cc.le[0]).toBe(HCI_STATUS.SUCCESS);
    expect(addressFromWire(cc.le, 5)).toBe(NEW);
    const pc = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'peripheral connection complete');
    expect(addressFromWire(pc.le, 5)).toBe(cCtl.address); // and the peripheral sees the central's own
  });

  it('an address another controller on the radio has is refused with 0x12, saying why', async () => {
    const { c, h } = await oneHost();
    const other = radio!.createController({ address: NEW });
    const seen = refusals(c);
    const r = await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
    expect(r.status).toBe(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS);
    expect(c.address).not.toBe(NEW);
    expect(seen).toEqual([{ address: NEW, status: HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS, reason: expect.stringContaining('already has public address') }]);
    // once the holder is gone the address is free
    other.close();
    expect((await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW))).status).toBe(HCI_STATUS.SUCCESS);
  });

  it('the old address is free after a change, and the new one is taken (no stale index)', async () => {
    const { c, h } = await oneHost();
    const old = c.address;
    await h.ok(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
    expect(radio!.createController({ address: old }).address).toBe(old);
    expect(() => radio!.createController({ address: NEW })).toThrow(/already used/);
    // writing its own address again is no conflict
    expect((await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW))).status).toBe(HCI_STATUS.SUCCESS);
  });

  it('a wrong parameter length is refused with 0x12', async () => {
    const { c, h } = await oneHost();
    const before = c.address;
    for (const params of [[], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7]]) {
      const r = await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, params);
      expect(r).toMatchObject({ kind: 'complete', status: HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS });
    }
    expect(c.address).toBe(before);
  });

  it('refused with 0x0C while advertising, scanning, initiating or connected', async () => {
    const { c, h } = await oneHost();
    const seen = refusals(c);
    const tryWrite = async () => (await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW))).status;

    await advertise(h);
    expect(await tryWrite()).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    await h.ok(OP.LE_SET_ADVERTISING_ENABLE, [0]);

    await h.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true));
    await h.ok(OP.LE_SET_SCAN_ENABLE, [1, 0]);
    expect(await tryWrite()).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    await h.ok(OP.LE_SET_SCAN_ENABLE, [0, 0]);

    expect((await h.command(OP.LE_CREATE_CONNECTION, createConnection('11:22:33:44:55:66'))).status).toBe(HCI_STATUS.SUCCESS);
    expect(await tryWrite()).toBe(HCI_STATUS.COMMAND_DISALLOWED);
    await h.ok(OP.LE_CREATE_CONNECTION_CANCEL);

    expect(seen.map((s) => s.reason)).toEqual(['the controller is advertising', 'the controller is scanning', 'the controller is initiating a connection']);
    expect(c.address).not.toBe(NEW);
    // idle again: allowed
    expect(await tryWrite()).toBe(HCI_STATUS.SUCCESS);
  });

  it('refused with 0x0C on a connected controller, both roles', async () => {
    pair = await connectedPair();
    for (const [ctl, h] of [[pair.central, pair.c], [pair.peripheral, pair.p]] as const) {
      const before = ctl.address;
      const r = await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
      expect(r.status).toBe(HCI_STATUS.COMMAND_DISALLOWED);
      expect(ctl.address).toBe(before);
    }
  });

  it('is not claimed in Supported Commands (6.27 has no bit for vendor commands) yet answers', async () => {
    const { h } = await oneHost();
    const r = await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToWire(NEW));
    expect(r.status).not.toBe(HCI_STATUS.UNKNOWN_HCI_COMMAND);
    // another vendor opcode is still unknown
    expect((await h.command(VS_OP.ZEPHYR_WRITE_BD_ADDR + 1, [])).status).toBe(HCI_STATUS.UNKNOWN_HCI_COMMAND);
  });
});
