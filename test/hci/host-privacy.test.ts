// The host's share of privacy (common/stack/hci/host-privacy.ts): the stacks' Own_Address_Type 0x00 becomes
// 0x01 (host) or 0x03 (controller), LE Set Random Address carries an RPA of the local IRK before the
// address is used, a new one once the RPA timeout has passed on the clock, never while advertising,
// scanning or initiating (Core v5.4 Vol 4 Part E 7.8.4, 7.8.5, 7.8.10, 7.8.12, 7.8.38, 7.8.44, 7.8.45).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ADDRESS_TYPE, OP } from '../../common/base/codes/hci.js';
import { HostPrivacy, checkRpaTimeout } from '../../common/stack/hci/host-privacy.js';
import { hciCommand, addressToString } from '../../common/stack/hci/hci-packets.js';
import { rpaResolvesWith } from '../../common/stack/smp/identity-resolver.js';

const opOf = (p: Buffer) => p.readUInt16LE(1);
const advParams = () => hciCommand(OP.LE_SET_ADVERTISING_PARAMETERS, Buffer.from([0xa0, 0, 0xa0, 0, 0, 0x00, 0, 0, 0, 0, 0, 0, 0, 7, 0]));
const scanParams = () => hciCommand(OP.LE_SET_SCAN_PARAMETERS, Buffer.from([1, 0x12, 0, 0x12, 0, 0x00, 0]));
const createConnection = () => hciCommand(OP.LE_CREATE_CONNECTION, Buffer.alloc(25));
const enable = (op: number, on: boolean) => hciCommand(op, Buffer.from(op === OP.LE_SET_SCAN_ENABLE ? [on ? 1 : 0, 0] : [on ? 1 : 0]));

function rig(mode: 'host' | 'controller', rpaTimeoutS = 900) {
  let now = 0;
  const irk = randomBytes(16);
  const p = new HostPrivacy({ mode, irk, rpaTimeoutS, clock: () => now });
  return { p, irk, advance: (s: number) => void (now += s * 1000) };
}

describe('host privacy', () => {
  it('host: LE Set Random Address with an RPA of the IRK, then the command with Own_Address_Type 0x01', () => {
    const { p, irk } = rig('host');
    const out = p.onHostCommand(advParams());
    expect(out.map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_ADVERTISING_PARAMETERS]);
    const rpa = addressToString(out[0]!.subarray(4));
    expect(rpaResolvesWith(irk, { address: rpa, type: 'random' })).toBe(true);
    expect(out[1]![4 + 5]).toBe(ADDRESS_TYPE.RANDOM);
    expect(p.currentRpa).toBe(rpa);
  });

  it('the same RPA until the timeout has passed, then a new one; at 1 s short of it, none', () => {
    const { p, advance } = rig('host', 60);
    const first = p.onHostCommand(scanParams())[0]!;
    advance(59);
    expect(p.onHostCommand(scanParams()).map(opOf)).toEqual([OP.LE_SET_SCAN_PARAMETERS]);
    advance(1);
    const again = p.onHostCommand(scanParams());
    expect(again.map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_SCAN_PARAMETERS]);
    expect(again[0]!.equals(first)).toBe(false);
  });

  it('never while advertising or scanning: the renewal waits for the next enable after they stop', () => {
    const { p, advance } = rig('host', 60);
    p.onHostCommand(advParams());
    p.onHostCommand(enable(OP.LE_SET_ADVERTISING_ENABLE, true));
    advance(61);
    expect(p.onHostCommand(advParams()).map(opOf), 'advertising: 7.8.4 forbids it').toEqual([OP.LE_SET_ADVERTISING_PARAMETERS]);
    p.onHostCommand(enable(OP.LE_SET_ADVERTISING_ENABLE, false));
    expect(p.onHostCommand(enable(OP.LE_SET_ADVERTISING_ENABLE, true)).map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_ADVERTISING_ENABLE]);
  });

  it('not while initiating; an LE Connection Complete ends it', () => {
    const { p, advance } = rig('host', 60);
    expect(p.onHostCommand(createConnection()).map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS, OP.LE_CREATE_CONNECTION]);
    advance(61);
    expect(p.onHostCommand(scanParams()).map(opOf)).toEqual([OP.LE_SET_SCAN_PARAMETERS]);
    // LE Connection Complete, status 0, handle 1, role central
    p.onControllerPacket(Buffer.from([0x04, 0x3e, 0x13, 0x01, 0x00, 0x01, 0x00, 0x00, ...Buffer.alloc(15)]));
    expect(p.onHostCommand(scanParams()).map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_SCAN_PARAMETERS]);
  });

  it('controller: the RPA timeout, the bonded peers in the resolving list and address resolution on, then Own_Address_Type 0x03', () => {
    const { p, irk } = rig('controller', 120);
    const peerIrk = randomBytes(16);
    p.addPeers([{ identity: { address: 'C0:11:22:33:44:55', type: 'random' }, irk: peerIrk }]);
    const out = p.onHostCommand(createConnection());
    expect(out.map(opOf)).toEqual([OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, OP.LE_SET_RANDOM_ADDRESS, OP.LE_CREATE_CONNECTION]);
    expect(out[0]!.readUInt16LE(4)).toBe(120);
    const add = out[1]!.subarray(4);
    expect(add[0]).toBe(ADDRESS_TYPE.RANDOM);
    expect(addressToString(add.subarray(1, 7))).toBe('C0:11:22:33:44:55');
    expect(Buffer.from(add.subarray(7, 23)).reverse().equals(peerIrk), 'peer IRK, least significant octet first').toBe(true);
    expect(Buffer.from(add.subarray(23, 39)).reverse().equals(irk), 'local IRK').toBe(true);
    expect(out[4]![4 + 12]).toBe(ADDRESS_TYPE.RANDOM_IDENTITY);
    // a peer bonded later, once the connection is up (not initiating any more), goes in at once
    p.onControllerPacket(Buffer.from([0x04, 0x3e, 0x13, 0x01, 0x00, 0x01, 0x00, 0x00, ...Buffer.alloc(15)]));
    expect(p.addPeers([{ identity: { address: 'C0:11:22:33:44:66', type: 'public' }, irk: randomBytes(16) }]).map(opOf)).toEqual([OP.LE_ADD_DEVICE_TO_RESOLVING_LIST]);
  });

  it('controller: a peer bonded while scanning waits for the list to be free, then goes in before scanning starts again', () => {
    const { p } = rig('controller');
    p.onHostCommand(scanParams());
    p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, true));
    expect(p.addPeers([{ identity: { address: 'C0:11:22:33:44:55', type: 'public' }, irk: randomBytes(16) }])).toEqual([]);
    p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, false));
    expect(p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, true)).map(opOf)).toEqual([OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, OP.LE_SET_SCAN_ENABLE]);
  });

  it('controller: a peer bonded while advertising alone (a peripheral serving several centrals) goes in with advertising paused around it', () => {
    const { p } = rig('controller');
    p.onHostCommand(advParams());
    p.onHostCommand(enable(OP.LE_SET_ADVERTISING_ENABLE, true));
    const out = p.addPeers([{ identity: { address: 'C0:11:22:33:44:55', type: 'public' }, irk: randomBytes(16) }]);
    expect(out.map(opOf)).toEqual([OP.LE_SET_ADVERTISING_ENABLE, OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, OP.LE_SET_ADVERTISING_ENABLE]);
    expect([out[0]![4], out[2]![4]], 'off, then on again').toEqual([0x00, 0x01]);
    expect(p.addPeers([{ identity: { address: 'C0:11:22:33:44:55', type: 'public' }, irk: randomBytes(16) }]), 'a peer already listed: nothing').toEqual([]);
  });

  it('HCI Reset: everything is made again on the next use; other commands pass unchanged', () => {
    const { p } = rig('controller');
    p.onHostCommand(advParams());
    const reset = hciCommand(OP.RESET);
    expect(p.onHostCommand(reset)).toEqual([reset]);
    expect(p.onHostCommand(advParams()).map(opOf)).toEqual([OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_ADVERTISING_PARAMETERS]);
    const other = hciCommand(OP.READ_BD_ADDR);
    expect(p.onHostCommand(other)).toEqual([other]);
  });

  it('RPA timeout edges: 1 and 3600 s are taken, 0 and 3601 are not (Vol 4 Part E 7.8.45)', () => {
    expect([1, 3600].map(checkRpaTimeout)).toEqual([true, true]);
    expect([0, 3601, 1.5].map(checkRpaTimeout)).toEqual([false, false, false]);
    expect(() => rig('host', 0)).toThrow(RangeError);
  });

  it('a new identity while advertising: advertising off, list cleared (controller), an RPA of the new IRK, advertising on', () => {
    for (const mode of ['host', 'controller'] as const) {
      const { p, irk } = rig(mode);
      p.addPeers([{ identity: { address: 'C0:00:00:00:00:01', type: 'random' }, irk: randomBytes(16) }]);
      p.onHostCommand(advParams());
      p.onHostCommand(enable(OP.LE_SET_ADVERTISING_ENABLE, true));
      const old = p.currentRpa;
      const fresh = randomBytes(16);
      const out = p.newIdentity(fresh);
      const clear = mode === 'controller' ? [OP.LE_CLEAR_RESOLVING_LIST] : [];
      expect(out.map(opOf), mode).toEqual([OP.LE_SET_ADVERTISING_ENABLE, ...clear, OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_ADVERTISING_ENABLE]);
      expect([out[0]![4], out.at(-1)![4]]).toEqual([0, 1]);
      const rpa = { address: p.currentRpa!, type: 'random' as const };
      expect(rpa.address).not.toBe(old);
      expect(rpaResolvesWith(fresh, rpa)).toBe(true);
      expect(rpaResolvesWith(irk, rpa)).toBe(false);
      expect(p.localIrk.equals(fresh)).toBe(true);
    }
  });

  it('a new identity when idle sets the new RPA at once; while scanning it waits for the next use; before any use, nothing', () => {
    const idle = rig('host');
    idle.p.onHostCommand(scanParams());
    expect(idle.p.newIdentity(randomBytes(16)).map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS]);
    const scanning = rig('host');
    scanning.p.onHostCommand(scanParams());
    scanning.p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, true));
    const fresh = randomBytes(16);
    expect(scanning.p.newIdentity(fresh)).toEqual([]);
    scanning.p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, false));
    const next = scanning.p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, true));
    expect(next.map(opOf)).toEqual([OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_SCAN_ENABLE]);
    expect(rpaResolvesWith(fresh, { address: addressToString(next[0]!.subarray(4)), type: 'random' })).toBe(true);
    expect(rig('host').p.newIdentity(randomBytes(16))).toEqual([]);
    expect(() => rig('host').p.newIdentity(Buffer.alloc(15))).toThrow(/16 octets/);
  });

  it("the timeout's own renewal while advertising: nothing before it has passed, then advertising off, a new RPA, advertising on; nothing while scanning", () => {
    const { p, irk, advance } = rig('host', 60);
    expect(p.renewNow(), 'before the address was first used').toEqual([]);
    p.onHostCommand(advParams());
    p.onHostCommand(enable(OP.LE_SET_ADVERTISING_ENABLE, true));
    const old = p.currentRpa;
    advance(59);
    expect(p.renewNow()).toEqual([]);
    advance(1);
    const out = p.renewNow();
    expect(out.map(opOf)).toEqual([OP.LE_SET_ADVERTISING_ENABLE, OP.LE_SET_RANDOM_ADDRESS, OP.LE_SET_ADVERTISING_ENABLE]);
    expect(p.currentRpa).not.toBe(old);
    expect(rpaResolvesWith(irk, { address: p.currentRpa!, type: 'random' })).toBe(true);
    expect(p.renewNow(), 'the new one is fresh').toEqual([]);
    const scanner = rig('host', 60);
    scanner.p.onHostCommand(scanParams());
    scanner.p.onHostCommand(enable(OP.LE_SET_SCAN_ENABLE, true));
    scanner.advance(61);
    expect(scanner.p.renewNow()).toEqual([]);
  });
});
