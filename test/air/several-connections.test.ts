// A peripheral controller holding several connections at once: advertising stops when a connection is
// made (Core v5.4 Vol 6 Part B 4.4.2) and goes on when the host enables it again (Vol 4 Part E 7.8.9),
// so a second central connects on its own handle; at maxConnections, connectable advertising and LE
// Create Connection are refused with 0x07 Memory Capacity Exceeded (as Zephyr's controller does), and
// a link gone makes room again.
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { Radio } from '../../common/stack/air/index.js';
import { advertise, advParams, createConnection, hostFor, initHost } from './helpers/setup.js';
import type { HciEvent } from './helpers/host.js';

let radio: Radio | undefined;
afterEach(() => {
  radio?.close();
  radio = undefined;
});

const handleOf = (e: HciEvent) => e.le.readUInt16LE(1);
const ADV_NONCONN_IND = 0x03;

async function world(peripheralMaxConnections?: number) {
  radio = new Radio();
  const peripheral = radio.createController(peripheralMaxConnections ? { maxConnections: peripheralMaxConnections } : {});
  const a = radio.createController();
  const b = radio.createController();
  const p = hostFor(peripheral, 'peripheral');
  const ca = hostFor(a, 'central a');
  const cb = hostFor(b, 'central b');
  for (const h of [p, ca, cb]) await initHost(h);
  return { peripheral, p, ca, cb };
}

describe('a peripheral controller with several connections', () => {
  it('advertising stops at the first connection; enabled again, a second central connects on another handle; the first going leaves the second up', async () => {
    const { peripheral, p, ca, cb } = await world();
    await advertise(p);
    await ca.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    const first = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'first connection');
    expect(peripheral.state.adv.enabled).toBe(false);
    await p.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
    const since = p.events.length;
    await cb.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    const second = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'second connection', { since });
    expect(second.le[0]).toBe(0);
    expect(handleOf(second)).not.toBe(handleOf(first));
    expect(peripheral.links.size).toBe(2);
    // the first link still works: a disconnection on it leaves the second up
    await p.ok(OP.DISCONNECT, [handleOf(first) & 0xff, handleOf(first) >> 8, HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION]);
    await p.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'first link down');
    expect([...peripheral.links.keys()]).toEqual([handleOf(second)]);
  });

  it('at maxConnections, connectable advertising is 0x07 and non-connectable is allowed; a link gone makes room', async () => {
    const { peripheral, p, ca } = await world(1);
    await advertise(p);
    await ca.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    const first = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'the connection');
    expect((await p.command(OP.LE_SET_ADVERTISING_ENABLE, [1])).status).toBe(HCI_STATUS.MEMORY_CAPACITY_EXCEEDED);
    expect(peripheral.state.adv.enabled).toBe(false);
    await p.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams({ type: ADV_NONCONN_IND, intervalMin: 0x00a0 }));
    await p.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
    await p.ok(OP.LE_SET_ADVERTISING_ENABLE, [0]);
    await p.ok(OP.LE_SET_ADVERTISING_PARAMETERS, advParams());
    await p.ok(OP.DISCONNECT, [handleOf(first) & 0xff, handleOf(first) >> 8, HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION]);
    await p.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'the link down');
    await p.ok(OP.LE_SET_ADVERTISING_ENABLE, [1]);
  });

  it('a central controller at maxConnections refuses LE Create Connection with 0x07', async () => {
    radio = new Radio();
    const central = radio.createController({ maxConnections: 1 });
    const p1 = radio.createController();
    const p2 = radio.createController();
    const c = hostFor(central, 'central');
    const h1 = hostFor(p1, 'peripheral 1');
    const h2 = hostFor(p2, 'peripheral 2');
    for (const h of [c, h1, h2]) await initHost(h);
    await advertise(h1);
    await advertise(h2);
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(p1.address));
    await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'the connection');
    expect((await c.command(OP.LE_CREATE_CONNECTION, createConnection(p2.address))).status).toBe(HCI_STATUS.MEMORY_CAPACITY_EXCEEDED);
  });

  it('maxConnections is a whole number from 1', () => {
    radio = new Radio();
    expect(() => radio!.createController({ maxConnections: 0 })).toThrow(/maxConnections must be a whole number from 1/);
  });
});
