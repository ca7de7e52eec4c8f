// Fails loudly when the pinned noble changes what central/noble/ relies on.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { ADDRESS_TYPE, ROLE } from '../../common/base/codes/hci.js';
import { leEnhancedConnectionComplete } from '../../common/stack/air/events.js';
import { describe, expect, it } from 'vitest';
import { expectAdapterPollCaptured } from '../helpers/adapter-poll-pin.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { loadNoble } from '../../central/noble/load.js';
import { NOBLE_VERSION_PINNED, nobleVersion } from '../../central/noble/internals.js';
import { SeamSocket } from '../../common/stack/hci/seam-socket.js';
import { Radio } from '../../common/stack/air/index.js';
import { NobleAttBearer } from '../../central/noble/att-bearer.js';
import { scanForService } from '../../central/seam-check.js';
import { loadBleno } from '../../peripheral/bleno/index.js';
import { SEAM_CHECK, serveSeamCheck } from '../../peripheral/seam-check-service.js';

const require = createRequire(import.meta.url);
const src = (f: string) => readFileSync(require.resolve(`@abandonware/noble/${f}`), 'utf8');

describe('noble internals the central relies on', () => {
  it('is the pinned version', () => {
    expect(nobleVersion()).toBe(NOBLE_VERSION_PINNED);
  });

  it('its Hci constructs the socket with `new BluetoothHciSocket()` from the module we inject', () => {
    const hci = src('lib/hci-socket/hci.js');
    expect(hci).toContain("require('@abandonware/bluetooth-hci-socket')");
    expect(hci).toContain('new BluetoothHciSocket()');
  });

  it("its userChannel option is dead code: only HCI_CHANNEL_USER selects the user channel", () => {
    expect(src('lib/hci-socket/hci.js')).toMatch(/typeof options\.userChannel === 'undefined' && options\.userChannel/);
  });

  it('its Hci re-arms the isDevUp poll with setTimeout(this.pollIsDevUp.bind(this), 1000): the timer close() clears is the one captured', async () => {
    const t = await openTransport('mock', { name: 'central' });
    const n = await loadNoble(t);
    const hci = n.internals.bindings._hci;
    try {
      expectAdapterPollCaptured(hci);
    } finally {
      await n.close();
      await t.close();
    }
  });

  it('loads over the mock transport with our socket, the internals in place, and no process handlers left', async () => {
    const t = await openTransport('mock', { name: 'central' });
    const sigint = process.listenerCount('SIGINT');
    const exit = process.listenerCount('exit');
    const n = await loadNoble(t);
    try {
      const hci = n.internals.bindings._hci;
      expect(hci._socket).toBeInstanceOf(SeamSocket);
      expect(typeof hci.pollIsDevUp).toBe('function');
      expect(typeof hci.startLeEncryption).toBe('function');
      expect(typeof n.internals.bindings._handles).toBe('object');
      expect(typeof n.internals.bindings._aclStreams).toBe('object');
      expect(typeof n.internals.bindings._gatts).toBe('object');
      expect(typeof n.internals.bindings.disconnect).toBe('function');
      expect(process.listenerCount('SIGINT')).toBe(sigint);
      expect(process.listenerCount('exit')).toBe(exit);
      expect(n.noble._state).toBe('poweredOn');
    } finally {
      await n.close();
      await t.close();
    }
  });

  it('two nobles in one process each get their own transport', async () => {
    const a = await openTransport('mock', { name: 'a' });
    const b = await openTransport('mock', { name: 'b' });
    const na = await loadNoble(a);
    const nb = await loadNoble(b);
    try {
      expect(na.noble).not.toBe(nb.noble);
      expect(na.internals.bindings._hci._socket).not.toBe(nb.internals.bindings._hci._socket);
      expect(a.tap.entries.length).toBeGreaterThan(0);
      expect(b.tap.entries.length).toBeGreaterThan(0);
    } finally {
      await na.close();
      await nb.close();
      await a.close();
      await b.close();
    }
  });

  // What central/noble/att-bearer.ts's NobleAttBearer takes over, read in the pinned sources.
  it("its Gatt pairs on its own on ATT 0x05/0x08/0x0F unless _security is 'medium', and drops 0x04", () => {
    const gatt = src('lib/hci-socket/gatt.js');
    expect(gatt).toMatch(/data\[4\] === ATT_ECODE_AUTHENTICATION \|\| data\[4\] === ATT_ECODE_AUTHORIZATION \|\| data\[4\] === ATT_ECODE_INSUFF_ENC\) &&\s*this\._security !== 'medium'\) \{\s*this\._aclStream\.encrypt\(\);\s*return;/);
    expect(gatt).toMatch(/data\[0\] === ATT_OP_ERROR && data\[4\] === ATT_ECODE_INVALID_PDU\) \{[^}]*return;/);
  });

  it('its Gatt re-sends the outstanding request on encryption (null when none: a TypeError), and ignores encryptFail', () => {
    const gatt = src('lib/hci-socket/gatt.js');
    expect(gatt).toMatch(/onAclStreamEncrypt = function \(encrypt\) \{\s*if \(encrypt\) \{\s*this\._security = 'medium';\s*this\.writeAtt\(this\._currentCommand\.buffer\);/);
    expect(gatt).toMatch(/onAclStreamEncryptFail = function \(\) \{\s*\};/);
  });

  it('its Gatt queue is _queueCommand(buffer, callback, writeCallback) with _currentCommand/_commandQueue, and it keeps _mtu', () => {
    const gatt = src('lib/hci-socket/gatt.js');
    expect(gatt).toContain('Gatt.prototype._queueCommand = function (buffer, callback, writeCallback)');
    expect(gatt).toContain('this._currentCommand = this._commandQueue.shift();');
    expect(gatt).toContain("this._aclStream.on('data', this.onAclStreamDataBinded);");
    expect(gatt).toContain("this._aclStream.on('encrypt', this.onAclStreamEncryptBinded);");
    expect(gatt).toContain('this._mtu = newMtu;');
  });

  it("its Gatt takes the server's Rx MTU alone as ATT_MTU (not the smaller of it and its own _desired_mtu 256): the bearer takes the minimum", () => {
    const gatt = src('lib/hci-socket/gatt.js');
    expect(gatt).toContain('this._desired_mtu = 256;');
    expect(gatt).toMatch(/const newMtu = data\.readUInt16LE\(1\);[\s\S]{0,120}this\._mtu = newMtu;/);
  });

  it("its SMP sends Pairing Random + Pairing Confirm codes (04 03) where Pairing Failed is meant, then emits 'fail'", () => {
    const smp = src('lib/hci-socket/smp.js');
    expect(smp).toMatch(/\} else \{\s*this\.write\(Buffer\.from\(\[\s*SMP_PAIRING_RANDOM,\s*SMP_PAIRING_CONFIRM\s*\]\)\);\s*this\.emit\('fail'\);/);
    expect(smp).toMatch(/handlePairingFailed = function \(data\) \{\s*this\.emit\('fail'\);/);
    const acl = src('lib/hci-socket/acl-stream.js');
    expect(acl).toContain("this.emit('encryptFail');");
    expect(acl).toMatch(/AclStream\.prototype\.encrypt = function \(\) \{\s*this\._smp\.sendPairingRequest\(\);/);
  });

  it('its bindings build the Gatt and AclStream of a link in leConnComplete, before the connect event', () => {
    const b = src('lib/hci-socket/bindings.js');
    const built = b.indexOf('this._gatts[uuid] = this._gatts[handle] = gatt;');
    const acl = b.indexOf('this._aclStreams[handle] = aclStream;');
    const connect = b.indexOf("this.emit('connect', uuid, error);");
    expect(built).toBeGreaterThan(0);
    expect(acl).toBeGreaterThan(0);
    expect(connect).toBeGreaterThan(Math.max(built, acl));
    expect(b).toContain("this._hci.on('leConnComplete', this.onLeConnComplete.bind(this));");
    expect(b).toMatch(/onDisconnComplete = function \(handle, reason\) \{[\s\S]*this\._aclStreams\[handle\]\.push\(null, null\);/);
  });

  // What central/noble/guards.ts replaces, read in the pinned sources: change it and the guards may no longer fit.
  it("its Signaling reads code, identifier and length at fixed offsets and a Connection Parameter Update Request's four fields without a length check", () => {
    const sig = src('lib/hci-socket/signaling.js');
    expect(sig).toMatch(/onAclStreamData = function \(cid, data\) \{[\s\S]*?const code = data\.readUInt8\(0\);\s*const identifier = data\.readUInt8\(1\);\s*const length = data\.readUInt16LE\(2\);/);
    expect(sig).toMatch(/const minInterval = data\.readUInt16LE\(0\)[\s\S]*?const supervisionTimeout = data\.readUInt16LE\(6\)/);
  });

  it('its Hci.flushAcl counts a queued packet against _aclConnections.get(handle) without checking the link is still there', () => {
    const hci = src('lib/hci-socket/hci.js');
    expect(hci).toMatch(/flushAcl = async function \(\) \{[\s\S]*?const aclBuffers = await this\.getAclBuffers\(\);[\s\S]*?this\._aclConnections\.get\(handle\)\.pending\+\+;/);
  });

  it('on a live link the bearer has replaced the Gatt data and encrypt listeners, and disabled its own pairing', async () => {
    const radio = new Radio({ name: 'loader' });
    const pt = await openTransport('mock', { radio, name: 'peripheral' });
    const ct = await openTransport('mock', { radio, name: 'central' });
    const bleno = await loadBleno(pt);
    await serveSeamCheck(bleno.bleno);
    const n = await loadNoble(ct, { attBearers: true });
    try {
      const p = await scanForService(n.noble, SEAM_CHECK.service, 5000);
      await p.connectAsync();
      const handle = ct.tap.links().at(-1)!.handle;
      const bearer = n.bearer(handle);
      expect(bearer).toBeInstanceOf(NobleAttBearer);
      const gatt = n.internals.bindings._gatts[handle]!;
      const acl = n.internals.bindings._aclStreams[handle]!;
      expect(acl.listeners('data')).not.toContain(gatt.onAclStreamDataBinded);
      expect(acl.listeners('encrypt')).not.toContain(gatt.onAclStreamEncryptBinded);
      expect(gatt._security).toBe('medium');
      expect(gatt._mtu).toBeGreaterThan(0);
      const gone = new Promise((resolve) => bearer!.once('end', () => resolve(true)));
      await p.disconnectAsync();
      expect(await gone).toBe(true);
      expect(bearer!.ended).toBe(true);
      expect(n.bearer(handle)).toBeUndefined();
    } finally {
      await n.close();
      await bleno.close();
      await ct.close();
      await pt.close();
      radio.close();
    }
  });
});


// noble over the os transport (platform bindings): test/os/os-loaders.test.ts.

// --- What the Security Manager substitute (central/noble/smp-substitute.ts, installNobleSmp) relies on ---
import { readFileSync as readSmpSource } from 'node:fs';
import { createRequire as createSmpRequire } from 'node:module';
import { HCI_STATUS as SMP_HCI_STATUS } from '../../common/base/codes/hci.js';

const smpRequire = createSmpRequire(import.meta.url);
const nobleSrc = (f: string) => readSmpSource(smpRequire.resolve(`@abandonware/noble/${f}`), 'utf8');

describe("noble's SMP seam: what the Security Manager substitute relies on", () => {
  it("acl-stream.js binds require('./smp') once and builds it with (aclStream, local type, local address, remote type, remote address) after setting _hci and _handle", () => {
    const acl = nobleSrc('lib/hci-socket/acl-stream.js');
    expect(acl).toContain("const Smp = require('./smp');");
    expect(acl).toMatch(/this\._hci = hci;\s*this\._handle = handle;\s*this\._smp = new Smp\(this, localAddressType, localAddress, remoteAddressType, remoteAddress\);/);
  });

  it("AclStream listens for the Smp's 'stk', 'fail' (→ 'encryptFail') and 'end', and encrypt() calls sendPairingRequest()", () => {
    const acl = nobleSrc('lib/hci-socket/acl-stream.js');
    for (const e of ["this._smp.on('stk'", "this._smp.on('fail'", "this._smp.on('end'"]) expect(acl).toContain(e);
    expect(acl).toMatch(/onSmpFail = function \(\) \{\s*this\.emit\('encryptFail'\);/);
    expect(acl).toMatch(/AclStream\.prototype\.encrypt = function \(\) \{\s*this\._smp\.sendPairingRequest\(\);/);
    expect(acl).toMatch(/AclStream\.prototype\.write = function \(cid, data\) \{\s*this\._hci\.writeAclDataPkt\(this\._handle, cid, data\);/);
    expect(acl).toMatch(/pushEncrypt = function \(encrypt\) \{\s*this\.emit\('encrypt', encrypt\);/);
  });

  it('bindings.js passes its own address first, and Encryption Change reaches the AclStream without its status', () => {
    const b = nobleSrc('lib/hci-socket/bindings.js');
    expect(b).toMatch(/new AclStream\(\s*this\._hci,\s*handle,\s*this\._hci\.addressType,\s*this\._hci\.address,\s*addressType,\s*address\s*\)/);
    expect(b).toMatch(/onEncryptChange = function \(handle, encrypt\) \{[\s\S]*?aclStream\.pushEncrypt\(encrypt\);/);
    expect(SMP_HCI_STATUS.UNSPECIFIED_ERROR).toBe(0x1f);
  });

  it('Hci.startLeEncryption(handle, random, diversifier, key) copies Rand, EDIV and LTK into LE Enable Encryption as given (wire order)', () => {
    const hci = nobleSrc('lib/hci-socket/hci.js');
    expect(hci).toMatch(/startLeEncryption = function \(handle, random, diversifier, key\)[\s\S]*?random\.copy\(cmd, 6\);\s*diversifier\.copy\(cmd, 14\);\s*key\.copy\(cmd, 16\);/);
  });

  it("after a load, smp.js in require.cache is blebench's substitute, and acl-stream.js got it", async () => {
    const t = await openTransport('mock', { name: 'smp-seam' });
    const n = await loadNoble(t);
    try {
      const smpFile = smpRequire.resolve('@abandonware/noble/lib/hci-socket/smp.js');
      const aclFile = smpRequire.resolve('@abandonware/noble/lib/hci-socket/acl-stream.js');
      const sub = smpRequire.cache[smpFile]!.exports as Record<symbol, unknown>;
      expect(sub[Symbol.for('blebench.noble-smp-substitute')]).toBe(true);
      expect(smpRequire.cache[aclFile]!.children.some((c) => c.exports === sub)).toBe(true);
      expect(n.smpSession(0)).toBeUndefined();
    } finally {
      await n.close();
      await t.close();
    }
  });

  // Why central/noble/load.ts hands noble the plain LE Connection Complete (legacy-connection-complete.ts).
  it('its LE Enhanced Connection Complete parser reads Peer_Address_Type 0x03 (a resolved random static identity) as public', () => {
    expect(src('lib/hci-socket/hci.js')).toMatch(/processLeEnhancedConnComplete = function \(status, data\) \{\s*const handle = data\.readUInt16LE\(0\);\s*const role = data\.readUInt8\(2\);\s*const addressType = data\.readUInt8\(3\) === 0x01 \? 'random' : 'public';/);
  });

  it('so the loaded noble gets the enhanced event as the plain one: a resolved random static identity stays random', async () => {
    const t = await openTransport('mock', { name: 'central' });
    const n = await loadNoble(t);
    try {
      const hci = n.internals.bindings._hci as unknown as NodeJS.EventEmitter & { _socket: NodeJS.EventEmitter };
      const seen = new Promise<unknown[]>((resolve) => hci.once('leConnComplete', (...args: unknown[]) => resolve(args)));
      // role peripheral (0x01): noble's bindings ignore a link where it is not the central
      hci._socket.emit('data', leEnhancedConnectionComplete({ status: 0, handle: 0x41, role: ROLE.PERIPHERAL, peerAddressType: ADDRESS_TYPE.RANDOM_IDENTITY, peerAddress: Buffer.from([6, 5, 4, 3, 2, 0xc1]), localRpa: Buffer.alloc(6), peerRpa: Buffer.from([1, 2, 3, 4, 5, 0x41]), interval: 24, latency: 0, supervisionTimeout: 72, centralClockAccuracy: 0 }));
      const [status, handle, role, addressType, address] = await seen;
      expect([status, handle, role, addressType, address]).toEqual([0, 0x41, ROLE.PERIPHERAL, 'random', 'c1:02:03:04:05:06']);
    } finally {
      await n.close();
      await t.close();
    }
  });
});
