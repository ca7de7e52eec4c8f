// The kernel's share, as Linux does it: keys from MGMT Load Long Term Keys answer LE LTK Requests.
import { describe, expect, it } from 'vitest';
import { EVT, H4, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { MGMT_EV, MGMT_LTK_INFO_SIZE, MGMT_OP, MGMT_STATUS } from '../../common/base/codes/mgmt.js';
import { KernelShare } from '../../common/stack/hci/kernel-share.js';
import { addressToBuffer } from '../../common/stack/hci/hci-packets.js';
import { encodeMgmtIrkInfo } from '../../common/stack/hci/mgmt-irk-info.js';

const PEER = 'C0:DE:00:00:00:02';
const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

function ltkInfo(o: { addr?: string; addrType?: number; keyType?: number; central?: number; encSize?: number; ediv?: number; rand?: Buffer; key?: Buffer }) {
  const e = Buffer.alloc(MGMT_LTK_INFO_SIZE);
  addressToBuffer(o.addr ?? PEER).copy(e, 0);
  e[6] = o.addrType ?? 1;
  e[7] = o.keyType ?? 0;
  e[8] = o.central ?? 0;
  e[9] = o.encSize ?? 16;
  e.writeUInt16LE(o.ediv ?? 0, 10);
  (o.rand ?? Buffer.alloc(8)).copy(e, 12);
  (o.key ?? KEY).copy(e, 20);
  return e;
}

function loadLtks(entries: Buffer[], index = 0): Buffer {
  const params = Buffer.concat([Buffer.from([entries.length & 0xff, entries.length >> 8]), ...entries]);
  const hdr = Buffer.alloc(6);
  hdr.writeUInt16LE(MGMT_OP.LOAD_LONG_TERM_KEYS, 0);
  hdr.writeUInt16LE(index, 2);
  hdr.writeUInt16LE(params.length, 4);
  return Buffer.concat([hdr, params]);
}

function connectionComplete(handle: number, role: number, peer = PEER, peerType = 0): Buffer {
  const p = Buffer.alloc(19);
  p[0] = LE_EVT.CONNECTION_COMPLETE;
  p[1] = 0;
  p.writeUInt16LE(handle, 2);
  p[4] = role;
  p[5] = peerType;
  addressToBuffer(peer).copy(p, 6);
  return Buffer.concat([Buffer.from([H4.EVENT, EVT.LE_META, p.length]), p]);
}

function ltkRequest(handle: number, rand = Buffer.alloc(8), ediv = 0): Buffer {
  const p = Buffer.alloc(13);
  p[0] = LE_EVT.LONG_TERM_KEY_REQUEST;
  p.writeUInt16LE(handle, 1);
  rand.copy(p, 3);
  p.writeUInt16LE(ediv, 11);
  return Buffer.concat([Buffer.from([H4.EVENT, EVT.LE_META, p.length]), p]);
}

const opOf = (cmd: Buffer) => cmd.readUInt16LE(1);

describe("the kernel's share for bleno", () => {
  it('answers Load Long Term Keys with Command Complete, success', () => {
    const ks = new KernelShare();
    const [ev] = ks.handleMgmtCommand(loadLtks([ltkInfo({})]));
    expect(ev!.readUInt16LE(0)).toBe(MGMT_EV.COMMAND_COMPLETE);
    expect(ev!.readUInt16LE(6)).toBe(MGMT_OP.LOAD_LONG_TERM_KEYS);
    expect(ev![8]).toBe(MGMT_STATUS.SUCCESS);
    expect(ks.longTermKeys).toHaveLength(1);
  });

  it('answers an LE LTK Request with the loaded key when the local side is peripheral', () => {
    const ks = new KernelShare();
    ks.handleMgmtCommand(loadLtks([ltkInfo({})]));
    ks.onControllerPacket(connectionComplete(0x40, 1));
    const reply = ks.onControllerPacket(ltkRequest(0x40))!;
    expect(opOf(reply)).toBe(OP.LE_LONG_TERM_KEY_REQUEST_REPLY);
    expect(reply.readUInt16LE(4)).toBe(0x40);
    expect(reply.subarray(6, 22)).toEqual(KEY);
  });

  it('of two keys loaded for one peer and role, the last one wins (hci_add_ltk overwrites)', () => {
    const ks = new KernelShare();
    const second = Buffer.alloc(16, 0x22);
    ks.handleMgmtCommand(loadLtks([ltkInfo({}), ltkInfo({ key: second })]));
    expect(ks.longTermKeys).toHaveLength(1);
    ks.onControllerPacket(connectionComplete(1, 1));
    expect(ks.onControllerPacket(ltkRequest(1))!.subarray(6, 22)).toEqual(second);
  });

  it('pads a short key with zeros beyond its encryption size', () => {
    const ks = new KernelShare();
    ks.handleMgmtCommand(loadLtks([ltkInfo({ encSize: 7 })]));
    ks.onControllerPacket(connectionComplete(1, 1));
    const reply = ks.onControllerPacket(ltkRequest(1))!;
    expect(reply.subarray(6, 13)).toEqual(KEY.subarray(0, 7));
    expect(reply.subarray(13, 22)).toEqual(Buffer.alloc(9));
  });

  it('sends the negative reply when no key matches: none loaded, other peer, other EDIV/Rand, or a central key', () => {
    const cases: Array<[Buffer[], Buffer]> = [
      [[], ltkRequest(1)],
      [[ltkInfo({ addr: 'C0:DE:00:00:00:09' })], ltkRequest(1)],
      [[ltkInfo({ ediv: 0x1234 })], ltkRequest(1)],
      [[ltkInfo({ rand: Buffer.alloc(8, 7) })], ltkRequest(1)],
      [[ltkInfo({ central: 1 })], ltkRequest(1)],
    ];
    for (const [keys, req] of cases) {
      const ks = new KernelShare();
      ks.handleMgmtCommand(loadLtks(keys));
      ks.onControllerPacket(connectionComplete(1, 1));
      expect(opOf(ks.onControllerPacket(req)!)).toBe(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY);
    }
  });

  it('forgets the link at disconnection: a later request on that handle gets the negative reply', () => {
    const ks = new KernelShare();
    ks.handleMgmtCommand(loadLtks([ltkInfo({})]));
    ks.onControllerPacket(connectionComplete(1, 1));
    ks.onControllerPacket(Buffer.from([H4.EVENT, EVT.DISCONNECTION_COMPLETE, 4, 0, 1, 0, 0x13]));
    expect(opOf(ks.onControllerPacket(ltkRequest(1))!)).toBe(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY);
  });

  it('rejects malformed Load Long Term Keys as Invalid Parameters and keeps the old keys', () => {
    const ks = new KernelShare();
    ks.handleMgmtCommand(loadLtks([ltkInfo({})]));
    const bad = loadLtks([ltkInfo({ addrType: 0 })]); // BR/EDR address: not an LE key
    const [ev] = ks.handleMgmtCommand(bad);
    expect(ev!.readUInt16LE(0)).toBe(MGMT_EV.COMMAND_STATUS);
    expect(ev![8]).toBe(MGMT_STATUS.INVALID_PARAMETERS);
    expect(ks.longTermKeys).toHaveLength(1);
  });

  it("a reload (bleno's, after each bond: one key gone, one added) reuses the keys it repeats octet for octet and decodes the rest", () => {
    const ks = new KernelShare();
    const peer = (i: number) => `C0:DE:00:00:01:${i.toString(16).padStart(2, '0').toUpperCase()}`;
    const records = Array.from({ length: 10 }, (_, i) => ltkInfo({ addr: peer(i), ediv: i, rand: Buffer.alloc(8, i) }));
    ks.handleMgmtCommand(loadLtks(records));
    const first = [...ks.longTermKeys];
    expect(first.map((k) => k.peerAddress)).toEqual(records.map((_, i) => peer(i)));
    // the oldest gone, one replaced in the middle (a new key for peer 5), a new one at the end
    const changed = ltkInfo({ addr: peer(5), ediv: 99, rand: Buffer.alloc(8, 9) });
    const next = [...records.slice(1, 5), ...records.slice(6), changed, ltkInfo({ addr: peer(10) })];
    ks.handleMgmtCommand(loadLtks(next));
    const second = ks.longTermKeys;
    expect(second.map((k) => k.peerAddress)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 5, 10].map(peer));
    for (const [i, k] of second.entries()) {
      const before = first.find((f) => f.peerAddress === k.peerAddress);
      if (i < 8) expect(k, `key of ${k.peerAddress} reused`).toBe(before);
      else expect(k, `key of ${k.peerAddress} decoded`).not.toBe(before);
    }
    expect(second[8]!.ediv).toBe(99);
    for (const k of second) for (const b of [k.rand, k.value]) expect(b.buffer.byteLength, 'a Buffer of its own, not a pool slice').toBe(b.length);
    // the new key for peer 5 answers its request
    ks.onControllerPacket(connectionComplete(1, 1, peer(5)));
    expect(opOf(ks.onControllerPacket(ltkRequest(1, Buffer.alloc(8, 9), 99))!)).toBe(OP.LE_LONG_TERM_KEY_REQUEST_REPLY);
    // a reload that repeats good records but holds a malformed one is refused whole, the keys kept
    const [ev] = ks.handleMgmtCommand(loadLtks([...next, ltkInfo({ encSize: 17 })]));
    expect(ev![8]).toBe(MGMT_STATUS.INVALID_PARAMETERS);
    expect(ks.longTermKeys).toBe(second);
  });

  it('answers unknown management commands with Unknown Command, never silence', () => {
    const ks = new KernelShare();
    const [ev] = ks.handleMgmtCommand(Buffer.from([0x99, 0x00, 0, 0, 0, 0]));
    expect(ev!.readUInt16LE(0)).toBe(MGMT_EV.COMMAND_STATUS);
    expect(ev![8]).toBe(MGMT_STATUS.UNKNOWN_COMMAND);
  });
});

describe("the kernel's share resolves RPAs with the loaded IRKs (MGMT Load Identity Resolving Keys, as Linux)", () => {
  const irk = Buffer.from('ec0234a357c8ad05341010a60a397d9b', 'hex');
  // The Core sample RPA of that IRK: prand 0x708194, hash 0x0dfbaa (Vol 3 Part H D.7)
  const RPA = '70:81:94:0D:FB:AA';
  const loadIrks = (irks: Buffer[]) => {
    const params = Buffer.concat([Buffer.from([irks.length & 0xff, irks.length >> 8]), ...irks]);
    const hdr = Buffer.alloc(6);
    hdr.writeUInt16LE(MGMT_OP.LOAD_IDENTITY_RESOLVING_KEYS, 0);
    hdr.writeUInt16LE(params.length, 4);
    return Buffer.concat([hdr, params]);
  };
  const irkInfo = (type = 1) => encodeMgmtIrkInfo({ peerAddress: PEER, peerAddressType: type === 1 ? 'public' : 'random', irk });

  it('a central on an RPA of a loaded IRK gets the key kept under its identity; without the IRK, a Negative Reply', () => {
    const ks = new KernelShare();
    ks.handleMgmtCommand(loadLtks([ltkInfo({ keyType: 2 })]));
    ks.onControllerPacket(connectionComplete(1, 1, RPA, 1));
    expect(opOf(ks.onControllerPacket(ltkRequest(1))!)).toBe(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY);
    const [ev] = ks.handleMgmtCommand(loadIrks([irkInfo()]));
    expect(ev!.readUInt16LE(0)).toBe(MGMT_EV.COMMAND_COMPLETE);
    expect(ev![8]).toBe(MGMT_STATUS.SUCCESS);
    expect(ks.identityOf({ address: RPA, type: 'random' })).toEqual({ address: PEER, type: 'public' });
    ks.onControllerPacket(connectionComplete(2, 1, RPA, 1));
    expect(opOf(ks.onControllerPacket(ltkRequest(2))!)).toBe(OP.LE_LONG_TERM_KEY_REQUEST_REPLY);
  });

  it('a record with a BR/EDR address type or a wrong length is refused with Invalid Parameters, the list unchanged', () => {
    const ks = new KernelShare();
    ks.handleMgmtCommand(loadIrks([irkInfo()]));
    const bad = irkInfo();
    bad[6] = 0;
    for (const cmd of [loadIrks([bad]), loadIrks([irkInfo()]).subarray(0, 20)]) {
      const fixed = Buffer.from(cmd);
      fixed.writeUInt16LE(fixed.length - 6, 4);
      const [ev] = ks.handleMgmtCommand(fixed);
      expect(ev!.readUInt16LE(0)).toBe(MGMT_EV.COMMAND_STATUS);
      expect(ev![8]).toBe(MGMT_STATUS.INVALID_PARAMETERS);
    }
    expect(ks.identityResolvingKeys).toHaveLength(1);
  });
});
