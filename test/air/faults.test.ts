// The fault plan: drop, delay, disconnect at a matching ACL packet; refused encryption; failed
// connection creation.
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { corruptPayload, Radio } from '../../common/stack/air/index.js';
import { l2cap } from './helpers/host.js';
import { advertise, connectedPair, createConnection, hostFor, initHost, u16, type Pair } from './helpers/setup.js';

const ATT_CID = 0x0004;
const SMP_CID = 0x0006;
const ATT_READ_REQUEST = 0x0a;
const ATT_WRITE_REQUEST = 0x12;
let pair: Pair | undefined;
let radio: Radio | undefined;
afterEach(() => {
  pair?.radio.close();
  radio?.close();
  pair = radio = undefined;
});

describe('fault plan', () => {
  it('drop: the matching PDU (all its fragments) never arrives; others do; the sender still gets NOCP', async () => {
    pair = await connectedPair();
    const { c, p, central, cHandle, radio: r } = pair;
    r.faults.add({ on: 'acl', match: { from: central.address, cid: ATT_CID, prefix: [ATT_WRITE_REQUEST] }, action: { kind: 'drop' } });
    const write = l2cap(ATT_CID, [ATT_WRITE_REQUEST, 0x03, 0x00, ...Buffer.alloc(300, 1)]);
    c.sendAcl(cHandle, 0b00, write.subarray(0, 200));
    c.sendAcl(cHandle, 0b01, write.subarray(200));
    c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [ATT_READ_REQUEST, 0x03, 0x00]));
    const got = await p.waitAcl(() => true, 'the read request');
    expect(got.data[4]).toBe(ATT_READ_REQUEST);
    await c.waitEvent(() => c.eventsOf(EVT.NUMBER_OF_COMPLETED_PACKETS).reduce((n, e) => n + e.params.readUInt16LE(3), 0) === 3, 'three completed');
    await p.barrier(OP.READ_BD_ADDR);
    expect(p.acl).toHaveLength(1);
    expect(r.faults.hits).toHaveLength(1);
    expect(central.counters.aclFaultDropped).toBe(2);
  });

  it('nth: only the second matching PDU is dropped', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, radio: r } = pair;
    r.faults.add({ on: 'acl', match: { cid: ATT_CID, prefix: [ATT_READ_REQUEST] }, nth: 2, action: { kind: 'drop' } });
    for (let i = 0; i < 3; i++) c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [ATT_READ_REQUEST, i, 0]));
    await p.waitAcl(() => p.acl.length === 2, 'two of three');
    await p.barrier(OP.READ_BD_ADDR);
    expect(p.acl.map((a) => a.data[5])).toEqual([0, 2]);
  });

  it('delay: the matching PDU and everything behind it arrive later, in order', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, radio: r } = pair;
    r.faults.add({ on: 'acl', match: { direction: 'central-to-peripheral', prefix: [ATT_READ_REQUEST] }, action: { kind: 'delay', ms: 120 } });
    const t0 = Date.now();
    c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [ATT_READ_REQUEST, 1, 0]));
    c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [0x08, 2, 0]));
    await p.waitAcl(() => p.acl.length === 2, 'both after the delay');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(p.acl.map((a) => a.data[4])).toEqual([ATT_READ_REQUEST, 0x08]);
  });

  it('disconnect at an ATT opcode: both hosts get Disconnection Complete with the chosen reason; the PDU is lost', async () => {
    pair = await connectedPair();
    const { c, p, pHandle, radio: r } = pair;
    r.faults.add({ on: 'acl', match: { direction: 'peripheral-to-central', cid: ATT_CID, prefix: [0x1b] }, action: { kind: 'disconnect', reason: HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE } });
    p.sendAcl(pHandle, 0b00, l2cap(ATT_CID, [0x01, 0x02])); // not matching: delivered
    p.sendAcl(pHandle, 0b00, l2cap(ATT_CID, [0x1b, 0x03, 0x00, 0x42])); // notification: link drops
    const dc = await c.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'central drop');
    expect(dc.params[3]).toBe(0x3d);
    expect((await p.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'peripheral drop')).params[3]).toBe(0x3d);
    expect(c.acl).toHaveLength(1);
  });

  it('refuse encryption: the central gets Encryption Change with the chosen status, the peer host no LTK request', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, radio: r } = pair;
    r.faults.add({ on: 'encryption', status: HCI_STATUS.PIN_OR_KEY_MISSING });
    await c.ok(OP.LE_ENABLE_ENCRYPTION, [...u16(cHandle), ...Buffer.alloc(8), 0, 0, ...Buffer.alloc(16, 1)]);
    const e = await c.waitEvent((ev) => ev.code === EVT.ENCRYPTION_CHANGE, 'refused');
    expect([e.params[0], e.params[3]]).toEqual([0x06, 0]);
    await p.barrier(OP.READ_BD_ADDR);
    expect(p.eventsOf(EVT.LE_META, LE_EVT.LONG_TERM_KEY_REQUEST)).toHaveLength(0);
  });

  it('connection creation fails with 0x3E: the central hears it, the peripheral keeps advertising', async () => {
    radio = new Radio();
    const central = radio.createController();
    const peripheral = radio.createController();
    const c = hostFor(central, 'c');
    const p = hostFor(peripheral, 'p');
    await initHost(c);
    await initHost(p);
    radio.faults.add({ on: 'connect', match: { peripheral: peripheral.address }, status: HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED });
    await advertise(p);
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    expect((await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'failed')).le[0]).toBe(0x3e);
    expect(peripheral.state.adv.enabled).toBe(true);
    expect(p.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)).toHaveLength(0);
    // the rule fired once: the next attempt connects
    const since = c.mark();
    await c.ok(OP.LE_CREATE_CONNECTION, createConnection(peripheral.address));
    expect((await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'second try', { since })).le[0]).toBe(0);
  });

  it('rules are plain data: load() replaces, the returned remover removes', async () => {
    pair = await connectedPair();
    const { radio: r } = pair;
    const remove = r.faults.add({ on: 'acl', action: { kind: 'drop' } });
    r.faults.load([{ on: 'connect', status: 0x3e }, { on: 'encryption', status: 0x06, match: { central: pair.central.address } }]);
    expect(r.faults.rules.map((x) => x.on)).toEqual(['connect', 'encryption']);
    remove();
    expect(r.faults.rules).toHaveLength(2);
    r.faults.clear();
    expect(r.faults.rules).toHaveLength(0);
    expect(JSON.parse(JSON.stringify({ on: 'acl', match: { cid: SMP_CID, prefix: [0x01] }, action: { kind: 'delay', ms: 5 } }))).toBeTruthy();
  });

  it('corruptPayload: replace, then xor, then truncate; the input is left alone', () => {
    const p = Buffer.from([0x01, 0x02, 0x03, 0x04]);
    expect([...corruptPayload(p, { kind: 'corrupt', at: 1, xor: 0xff })]).toEqual([0x01, 0xfd, 0x03, 0x04]);
    expect([...corruptPayload(p, { kind: 'corrupt', replace: [0x0f] })]).toEqual([0x0f, 0x02, 0x03, 0x04]);
    expect([...corruptPayload(p, { kind: 'corrupt', at: 3, replace: [0xaa, 0xbb] })]).toEqual([0x01, 0x02, 0x03, 0xaa]);
    expect([...corruptPayload(p, { kind: 'corrupt', truncate: 2 })]).toEqual([0x01, 0x02]);
    expect([...corruptPayload(p, { kind: 'corrupt', at: 9, xor: 1, truncate: 9 })]).toEqual([1, 2, 3, 4]);
    expect([...p]).toEqual([1, 2, 3, 4]);
  });

  it('corrupt xor: the matching PDU arrives with the byte flipped; others untouched', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, radio: r } = pair;
    r.faults.add({ on: 'acl', match: { cid: SMP_CID, prefix: [0x0d] }, action: { kind: 'corrupt', at: 1, xor: 0xff } });
    c.sendAcl(cHandle, 0b00, l2cap(SMP_CID, [0x0d, 0x10, 0x20]));
    c.sendAcl(cHandle, 0b00, l2cap(SMP_CID, [0x0d, 0x10, 0x20]));
    await p.waitAcl(() => p.acl.length === 2, 'both');
    expect([...p.acl[0]!.data]).toEqual([3, 0, 6, 0, 0x0d, 0xef, 0x20]);
    expect([...p.acl[1]!.data]).toEqual([3, 0, 6, 0, 0x0d, 0x10, 0x20]);
    expect(r.faults.hits).toHaveLength(1);
  });

  it('corrupt truncate on a fragmented PDU: reassembled, cut, L2CAP length fixed, the sender gets NOCP for every packet', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, radio: r } = pair;
    r.faults.add({ on: 'acl', match: { cid: SMP_CID, prefix: [0x0c] }, action: { kind: 'corrupt', replace: [0x0c, 0x99], truncate: 30 } });
    const key = l2cap(SMP_CID, [0x0c, ...Buffer.alloc(64, 7)]);
    c.sendAcl(cHandle, 0b00, key.subarray(0, 20));
    c.sendAcl(cHandle, 0b01, key.subarray(20, 40));
    c.sendAcl(cHandle, 0b01, key.subarray(40));
    c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [ATT_READ_REQUEST, 3, 0]));
    await p.waitAcl((a) => a.data.length >= 5 && a.data[4] === ATT_READ_REQUEST, 'the read after it');
    await c.waitEvent(() => c.eventsOf(EVT.NUMBER_OF_COMPLETED_PACKETS).reduce((n, e) => n + e.params.readUInt16LE(3), 0) === 4, 'four completed');
    const smp = Buffer.concat(p.acl.slice(0, -1).map((a) => a.data));
    expect(smp.readUInt16LE(0)).toBe(30);
    expect(smp.readUInt16LE(2)).toBe(SMP_CID);
    expect(smp.length).toBe(34);
    expect([...smp.subarray(4, 7)]).toEqual([0x0c, 0x99, 7]);
    expect(p.acl).toHaveLength(3); // two fragments of 20 (the first fragment's size), then the read
  });
});
