// Fails loudly when the pinned bleno changes what peripheral/bleno/ relies on.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { ADDRESS_TYPE, ROLE } from '../../common/base/codes/hci.js';
import { leEnhancedConnectionComplete } from '../../common/stack/air/events.js';
import { describe, expect, it } from 'vitest';
import { expectAdapterPollCaptured } from '../helpers/adapter-poll-pin.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { BLENO_VERSION_PINNED, blenoVersion, loadBleno } from '../../peripheral/bleno/index.js';
import { SeamSocket } from '../../common/stack/hci/seam-socket.js';

const require = createRequire(import.meta.url);
const src = (f: string) => readFileSync(require.resolve(`@abandonware/bleno/${f}`), 'utf8');

describe('bleno internals the peripheral relies on', () => {
  it('is the pinned version', () => {
    expect(blenoVersion()).toBe(BLENO_VERSION_PINNED);
  });

  it('its Hci and Mgmt construct sockets with `new BluetoothHciSocket()` at module load', () => {
    expect(src('lib/hci-socket/hci.js')).toContain("require('@abandonware/bluetooth-hci-socket')");
    expect(src('lib/hci-socket/mgmt.js')).toContain('module.exports = new Mgmt()');
    expect(src('lib/hci-socket/bindings.js')).toContain('module.exports = new BlenoBindings()');
  });

  it('hands its keys to the kernel with MGMT Load Long Term Keys on controller index 0', () => {
    const mgmt = src('lib/hci-socket/mgmt.js');
    expect(mgmt).toContain('MGMT_OP_LOAD_LONG_TERM_KEYS = 0x0013');
    expect(mgmt).toContain('this.write(MGMT_OP_LOAD_LONG_TERM_KEYS, 0, op)');
  });

  it('its Hci re-arms the isDevUp poll with setTimeout(this.pollIsDevUp.bind(this), 1000): the timer close() clears is the one captured', async () => {
    const t = await openTransport('mock', { name: 'peripheral' });
    const b = await loadBleno(t);
    const hci = b.internals.bindings._hci;
    try {
      expectAdapterPollCaptured(hci);
    } finally {
      await b.close();
      await t.close();
    }
  });

  it('loads over mock with our sockets (HCI raw + management) and no process handlers left', async () => {
    const t = await openTransport('mock', { name: 'peripheral' });
    const sigint = process.listenerCount('SIGINT');
    const b = await loadBleno(t);
    try {
      expect(b.internals.bindings._hci._socket).toBeInstanceOf(SeamSocket);
      expect((b.internals.bindings._hci._socket as unknown as SeamSocket).mode).toBe('raw');
      expect((b.internals.mgmt._socket as unknown as SeamSocket).mode).toBe('control');
      expect(Array.isArray(b.internals.mgmt._ltkInfos)).toBe(true);
      expect(process.listenerCount('SIGINT')).toBe(sigint);
      expect(b.bleno.state).toBe('poweredOn');
    } finally {
      await b.close();
      await t.close();
    }
  });

  it('a second load after close is a fresh singleton on a fresh transport', async () => {
    const t1 = await openTransport('mock');
    const b1 = await loadBleno(t1);
    await expect(loadBleno(t1)).rejects.toThrow(/already loaded/);
    await b1.close();
    const t2 = await openTransport('mock');
    const b2 = await loadBleno(t2);
    try {
      expect(b2.bleno).not.toBe(b1.bleno);
      expect(b2.internals.bindings).not.toBe(b1.internals.bindings);
    } finally {
      await b2.close();
      await t1.close();
      await t2.close();
    }
  });

  // What the ATT channel interception relies on (peripheral/bleno/, top comment).
  it('its Gatt takes every ATT-channel PDU through this.handleRequest(data), and its AclStream writes L2CAP through queueAclDataPkt', () => {
    const gatt = src('lib/hci-socket/gatt.js');
    expect(gatt).toMatch(/onAclStreamData\(cid, data\) \{\s*if \(cid !== ATT_CID\) \{\s*return;\s*\}\s*this\.handleRequest\(data\);/);
    expect(gatt).toContain('const ATT_CID = 0x0004;');
    expect(src('lib/hci-socket/bindings.js')).toContain('this._gatt = new Gatt(this._hci);');
    expect(src('lib/hci-socket/bindings.js')).toContain('this._gatt.setAclStream(this._aclStream);');
    expect(src('lib/hci-socket/bindings.js')).toContain('this._aclStream = null;');
    expect(src('lib/hci-socket/acl-stream.js')).toMatch(/write\(cid, data\) \{\s*this\._hci\.queueAclDataPkt\(this\._handle, cid, data\);/);
  });

  it("with a channel set, bleno's own Gatt never answers; each link's AclStream gives its ATT PDUs to the channel with its own handle", async () => {
    const t = await openTransport('mock');
    const b = await loadBleno(t);
    try {
      const gatt = b.internals.bindings._gatt;
      const seen: [number, string][] = [];
      b.setAttChannel((handle, pdu) => seen.push([handle, pdu.toString('hex')]));
      // No link: bleno's own handleRequest would have answered (and thrown on its missing ACL stream).
      expect(() => gatt.handleRequest(Buffer.from([0x02, 100, 0]))).not.toThrow();
      expect(seen).toEqual([]);
      // Two links as bleno's Hci reports them (LE Connection Complete, role peripheral): data by handle.
      b.internals.bindings.onLeConnComplete.call(b.internals.bindings as never, ...([0, 0x40, 1, 'random', 'c0:00:00:00:00:01'] as never[]));
      b.internals.bindings.onLeConnComplete.call(b.internals.bindings as never, ...([0, 0x41, 1, 'random', 'c0:00:00:00:00:02'] as never[]));
      expect(b.connectionHandles()).toEqual([0x40, 0x41]);
      b.internals.bindings.onAclDataPkt.call(b.internals.bindings as never, ...([0x41, 0x0004, Buffer.from([0x02, 100, 0])] as never[]));
      b.internals.bindings.onAclDataPkt.call(b.internals.bindings as never, ...([0x40, 0x0004, Buffer.from([0x0a, 1, 0])] as never[]));
      expect(seen).toEqual([
        [0x41, '026400'],
        [0x40, '0a0100'],
      ]);
      expect(b.sendAtt(0x42, Buffer.from([0x03, 0x17, 0])), 'no such link: nothing to send on').toBe(false);
      b.internals.bindings.onDisconnComplete.call(b.internals.bindings as never, ...([0x40, 0x13] as never[]));
      expect(b.connectionHandles()).toEqual([0x41]);
      expect(b.internals.bindings._handle).toBe(0x41);
    } finally {
      await b.close();
      await t.close();
    }
  });

  it("its bindings keep one link and its Hci forgets every handle but the last: the handlers connections.ts replaces", () => {
    const bindings = src('lib/hci-socket/bindings.js');
    for (const m of ['onLeConnComplete(status, handle, role, addressType, address', 'onDisconnComplete(handle, reason) {', 'onEncryptChange(handle, encrypt) {', 'onLeLtkNegReply(handle) {', 'onAclDataPkt(handle, cid, data) {']) expect(bindings).toContain(m);
    expect(bindings).toContain("this._hci.on('leConnComplete', this.onLeConnComplete.bind(this));");
    expect(bindings).toContain('this._gap.restartAdvertising();');
    const hci = src('lib/hci-socket/hci.js');
    expect(hci).toContain('if (handle !== this._mainHandle) {');
    expect(hci).toContain("this._socket.on('data', this.onSocketData.bind(this));");
  });

  it('a load checks what it reaches: a missing method fails the load loudly, naming it', async () => {
    const { checkInternals } = await import('../../peripheral/bleno/internals.js');
    const t = await openTransport('mock');
    const b = await loadBleno(t);
    try {
      const i = b.internals;
      expect(() => checkInternals(i, true)).not.toThrow();
      const broken = { ...i, mgmt: { ...i.mgmt, loadLongTermKeys: undefined as unknown as () => void } };
      expect(() => checkInternals(broken, true)).toThrow(/not the 0\.6\.2 peripheral\/bleno\/ was written for: no mgmt\.loadLongTermKeys\(\)/);
      const noSmp = { ...i, smp: {} as typeof i.smp };
      expect(() => checkInternals(noSmp, true)).toThrow(/smp\.handlePairingRequest\(\)/);
      expect(() => checkInternals(noSmp, false), "with blebench's Security Manager bleno's SMP is not reached").not.toThrow();
    } finally {
      await b.close();
      await t.close();
    }
  });

  it('its SMP answers Pairing Request/Confirm/Random in methods that keep _pres and _tk, and fails with write + emit(fail)', () => {
    const smp = src('lib/hci-socket/smp.js');
    for (const m of ['handlePairingRequest(data) {', 'handlePairingConfirm(data) {', 'handlePairingRandom(data) {']) expect(smp).toContain(m);
    expect(smp).toContain('this._pres = Buffer.from([');
    expect(smp).toContain("this._tk = Buffer.from('00000000000000000000000000000000', 'hex');");
    expect(smp).toContain("this.emit('fail');");
    expect(src('lib/hci-socket/acl-stream.js')).toContain("const Smp = require('./smp');");
  });

  it('its Mgmt keeps 36-octet LTK infos (address, type+1, authenticated, central, size) and clears them with clearLongTermKeys', () => {
    const mgmt = src('lib/hci-socket/mgmt.js');
    expect(mgmt).toContain('const LTK_INFO_SIZE = 36;');
    expect(mgmt).toContain('ltkInfo.writeUInt8(authenticated, 7);');
    expect(mgmt).toContain('ltkInfo.writeUInt8(key.length, 9);');
    expect(mgmt).toContain('clearLongTermKeys() {');
    expect(src('lib/hci-socket/hci.js')).toContain('disconnect(handle, reason) {');
  });
});


describe('bleno over the os transport', () => {
  it('the platform bindings are lib/mac/bindings.js on macOS, none on Windows or Linux', async () => {
    const { blenoOsBindingsFile } = await import('../../peripheral/bleno/index.js');
    expect(blenoOsBindingsFile('darwin')).toMatch(/@abandonware[\\/]bleno[\\/]lib[\\/]mac[\\/]bindings\.js$/);
    expect(blenoOsBindingsFile('win32')).toBeUndefined();
    expect(blenoOsBindingsFile('linux')).toBeUndefined();
  });

  it('the peripheral role (loadBleno) refuses os by name: CoreBluetooth decides security itself', async () => {
    const { loadBleno: load } = await import('../../peripheral/bleno/index.js');
    const { openTransport: open } = await import('../../common/stack/hci/transport.js');
    const t = await open('os', { platform: 'darwin' });
    await expect(load(t)).rejects.toThrow(/CoreBluetooth builds the attribute table and decides security/);
    await t.close();
  });
});

// --- What the Security Manager substitute (peripheral/bleno/, blenoSmpSubstitute) relies on ---
import { readFileSync as readSmpSource } from 'node:fs';
import { createRequire as createSmpRequire } from 'node:module';
import { MemoryKeyStore as SmpMemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig as smpPairingConfig } from '../../common/stack/smp/pairing-config.js';
import { MGMT_LTK_TYPE as SMP_MGMT_LTK_TYPE } from '../../common/base/codes/mgmt.js';
import { mgmtLtkInfo } from '../../peripheral/bleno/index.js';

const smpRequire = createSmpRequire(import.meta.url);
const blenoSrc = (f: string) => readSmpSource(smpRequire.resolve(`@abandonware/bleno/${f}`), 'utf8');

describe("bleno's SMP seam: what the Security Manager substitute relies on", () => {
  it("acl-stream.js builds require('./smp') with (aclStream, local type, local address, remote type, remote address) and emits data, encryptChange, ltkNegReply, end", () => {
    const acl = blenoSrc('lib/hci-socket/acl-stream.js');
    expect(acl).toContain("const Smp = require('./smp');");
    expect(acl).toContain('this._smp = new Smp(this, localAddressType, localAddress, remoteAddressType, remoteAddress);');
    for (const e of ["this.emit('data', cid, data)", "this.emit('end')", "this.emit('encryptChange', this.encrypted)", "this.emit('ltkNegReply')"]) expect(acl).toContain(e);
    expect(acl).toMatch(/write\(cid, data\) \{\s*this\._hci\.queueAclDataPkt\(this\._handle, cid, data\);/);
  });

  it('bindings.js passes its own address first; only smp.js requires mgmt.js', () => {
    expect(blenoSrc('lib/hci-socket/bindings.js')).toContain('new AclStream(this._hci, handle, this._hci.addressType, this._hci.address, addressType, address)');
    expect(blenoSrc('lib/hci-socket/smp.js')).toContain("require('./mgmt')");
    for (const f of ['lib/hci-socket/bindings.js', 'lib/hci-socket/acl-stream.js', 'lib/hci-socket/gatt.js', 'lib/hci-socket/hci.js']) expect(blenoSrc(f)).not.toContain("require('./mgmt')");
  });

  it('mgmt.js keeps its 36-octet entries in _ltkInfos and loads them all with loadLongTermKeys()', () => {
    const m = blenoSrc('lib/hci-socket/mgmt.js');
    expect(m).toContain('this._ltkInfos = [];');
    expect(m).toMatch(/loadLongTermKeys\(\) \{[\s\S]*?this\._ltkInfos\[i\]\.copy\(op, 2 \+ i \* LTK_INFO_SIZE\);[\s\S]*?MGMT_OP_LOAD_LONG_TERM_KEYS/);
    expect(m).toContain('const LTK_INFO_SIZE = 36;');
  });

  it('with a Security Manager, the stored bonds go to the kernel share at load, with their key type, size and the peripheral role', async () => {
    const t = await openTransport('mock', { name: 'smp-bonds' });
    const keyStore = new SmpMemoryKeyStore();
    const peer = { address: 'C0:11:22:33:44:55', type: 'random' as const };
    // The local identity is only known once bleno reads its address: list() is asked for it.
    const put = (local: { address: string; type: 'public' | 'random' }) =>
      keyStore.put({
        local,
        peer,
        role: 'peripheral',
        security: { method: 'Numeric Comparison', authenticated: true, secureConnections: true, keySize: 12 },
        localLtk: { key: Buffer.alloc(16, 7), ediv: 0, rand: Buffer.alloc(8), keySize: 12 },
        createdAt: new Date(0).toISOString(),
      });
    const list = keyStore.list.bind(keyStore);
    keyStore.list = async (local) => {
      if (local) await put(local);
      return list(local);
    };
    const b = await loadBleno(t, { smp: { config: smpPairingConfig(), keyStore } });
    try {
      expect(t.kernelShare!.longTermKeys).toEqual([
        expect.objectContaining({ peerAddress: peer.address, peerAddressType: 'random', keyType: SMP_MGMT_LTK_TYPE.AUTHENTICATED_P256, central: false, encSize: 12 }),
      ]);
      expect(b.smpSession()).toBeUndefined();
      expect(b.requestSecurity()).toBe(false);
    } finally {
      await b.close();
      await t.close();
    }
  });

  it('an MGMT LTK entry carries the key type of the pairing: legacy/SC × unauthenticated/authenticated', () => {
    const ltk = { key: Buffer.alloc(16, 1), ediv: 0x1234, rand: Buffer.from('0102030405060708', 'hex'), keySize: 16 };
    const peer = { address: '00:1B:DC:07:31:88', type: 'public' as const };
    const type = (authenticated: boolean, secureConnections: boolean) => mgmtLtkInfo(peer, ltk, { authenticated, secureConnections })[7];
    expect([type(false, false), type(true, false), type(false, true), type(true, true)]).toEqual([
      SMP_MGMT_LTK_TYPE.UNAUTHENTICATED,
      SMP_MGMT_LTK_TYPE.AUTHENTICATED,
      SMP_MGMT_LTK_TYPE.UNAUTHENTICATED_P256,
      SMP_MGMT_LTK_TYPE.AUTHENTICATED_P256,
    ]);
    const e = mgmtLtkInfo(peer, ltk, { authenticated: false, secureConnections: false });
    expect(e).toHaveLength(36);
    expect(e.subarray(0, 6).toString('hex')).toBe('8831 07dc1b00'.replace(' ', ''));
    expect([e[6], e[8], e[9], e.readUInt16LE(10)]).toEqual([0x01, 0, 16, 0x1234]);
    expect(e.subarray(12, 20).toString('hex')).toBe('0807060504030201');
  });

  // Why peripheral/bleno/load.ts hands bleno the plain LE Connection Complete (legacy-connection-complete.ts).
  it('knows only the plain LE Connection Complete: processLeMetaEvent takes subevents 0x01 and 0x03, not 0x0a', () => {
    const hci = src('lib/hci-socket/hci.js');
    expect(hci).toMatch(/processLeMetaEvent\(eventType, status, data\) \{\s*if \(eventType === EVT_LE_CONN_COMPLETE\) \{\s*this\.processLeConnComplete\(status, data\);\s*\} else if \(eventType === EVT_LE_CONN_UPDATE_COMPLETE\) \{\s*this\.processLeConnUpdateComplete\(status, data\);\s*\}\s*\}/);
    expect(hci).not.toMatch(/0x0a|ENHANCED/i);
  });

  it('so the loaded bleno gets the enhanced event as the plain one, the resolved identity with type random', async () => {
    const t = await openTransport('mock', { name: 'peripheral' });
    const b = await loadBleno(t);
    try {
      const hci = b.internals.bindings._hci as unknown as NodeJS.EventEmitter & { _socket: NodeJS.EventEmitter };
      const seen = new Promise<unknown[]>((resolve) => hci.once('leConnComplete', (...args: unknown[]) => resolve(args)));
      // role central (0x00): bleno's bindings ignore a link where it is not the peripheral
      hci._socket.emit('data', leEnhancedConnectionComplete({ status: 0, handle: 0x42, role: ROLE.CENTRAL, peerAddressType: ADDRESS_TYPE.RANDOM_IDENTITY, peerAddress: Buffer.from([6, 5, 4, 3, 2, 0xc1]), localRpa: Buffer.alloc(6), peerRpa: Buffer.from([1, 2, 3, 4, 5, 0x41]), interval: 24, latency: 0, supervisionTimeout: 72, centralClockAccuracy: 0 }));
      const [status, handle, role, addressType, address] = await seen;
      expect([status, handle, role, addressType, address]).toEqual([0, 0x42, ROLE.CENTRAL, 'random', 'c1:02:03:04:05:06']);
    } finally {
      await b.close();
      await t.close();
    }
  });
});
