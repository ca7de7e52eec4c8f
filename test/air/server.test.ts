// `blebench air`: every stream is a fresh controller; controllers on one server meet on its radio.
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, LE_EVT, OP } from '../../common/base/codes/hci.js';
import { AirError, addressFromWire, startAirServer, type AirServer, type VirtualController } from '../../common/stack/air/index.js';
import { socketEndpoint, TestHost } from './helpers/host.js';
import { advertise, createConnection, initHost, u16, u64 } from './helpers/setup.js';

let servers: AirServer[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

function tmpPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'blebench-air-')), 'air.sock');
}

async function connect(spec: string): Promise<net.Socket> {
  const s = spec.startsWith('unix:') ? net.connect(spec.slice(5)) : net.connect(Number(spec.split(':').pop()), '127.0.0.1');
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return s;
}

function waitClose(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
}

async function twoMeet(server: AirServer) {
  const seen: VirtualController[] = [];
  server.on('controller', (c) => seen.push(c));
  const pSock = await connect(server.address);
  const cSock = await connect(server.address);
  const p = new TestHost(socketEndpoint(pSock), 'peripheral');
  const c = new TestHost(socketEndpoint(cSock), 'central');
  await initHost(p);
  await initHost(c);
  const pAddr = addressFromWire((await p.ok(OP.READ_BD_ADDR)).ret);
  const cAddr = addressFromWire((await c.ok(OP.READ_BD_ADDR)).ret);
  expect(pAddr).not.toBe(cAddr);
  expect(seen.map((x) => x.address).sort()).toEqual([pAddr, cAddr].sort());
  await advertise(p);
  await c.ok(OP.LE_CREATE_CONNECTION, createConnection(pAddr));
  const cc = await c.waitLe(LE_EVT.CONNECTION_COMPLETE, 'central connected');
  const pc = await p.waitLe(LE_EVT.CONNECTION_COMPLETE, 'peripheral connected');
  expect(addressFromWire(cc.le, 5)).toBe(pAddr);
  expect(addressFromWire(pc.le, 5)).toBe(cAddr);
  return { pSock, cSock, p, c };
}

describe('air server', () => {
  it('unix: two stream connections are two controllers that meet; the socket file is mode 0600', async () => {
    const file = tmpPath();
    const server = await startAirServer({ listen: `unix:${file}` });
    servers.push(server);
    expect(server.address).toBe(`unix:${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { pSock, c } = await twoMeet(server);
    // a stream closing powers its controller off: the peer sees 0x08
    pSock.destroy();
    const dc = await c.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, 'supervision timeout');
    expect(dc.params[3]).toBe(0x08);
  });

  it('tcp on 127.0.0.1 port 0: resolves the real port, two connections meet', async () => {
    const server = await startAirServer({ listen: 'tcp:127.0.0.1:0' });
    servers.push(server);
    expect(server.address).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe('tcp:127.0.0.1:0');
    await twoMeet(server);
  });

  it('refuses a non-loopback host with a typed error', async () => {
    const err = await startAirServer({ listen: 'tcp:0.0.0.0:0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AirError);
    expect((err as AirError).code).toBe('AIR_NOT_LOOPBACK');
    await expect(startAirServer({ listen: 'tcp:192.168.1.10:4000' })).rejects.toMatchObject({ code: 'AIR_NOT_LOOPBACK' });
    await expect(startAirServer({ listen: 'serial:/dev/ttyACM0' })).rejects.toMatchObject({ code: 'AIR_BAD_LISTEN_SPEC' });
  });

  it('a stale socket file is replaced; a live one or a regular file is refused', async () => {
    const file = tmpPath();
    // stale: a process listened on it and died without cleaning up
    const child = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(file)}, () => process.exit(0))`]);
    expect(child.status).toBe(0);
    expect(statSync(file).isSocket()).toBe(true);
    const server = await startAirServer({ listen: `unix:${file}` });
    servers.push(server);
    await connect(server.address);
    await expect(startAirServer({ listen: `unix:${file}` })).rejects.toMatchObject({ code: 'AIR_ADDRESS_IN_USE' });
    const plain = tmpPath();
    writeFileSync(plain, 'keep me');
    await expect(startAirServer({ listen: `unix:${plain}` })).rejects.toMatchObject({ code: 'AIR_NOT_A_SOCKET' });
  });

  it('a framing error closes only that stream', async () => {
    const server = await startAirServer({ listen: 'tcp:127.0.0.1:0' });
    servers.push(server);
    const good = await connect(server.address);
    const bad = await connect(server.address);
    const h = new TestHost(socketEndpoint(good), 'good');
    bad.write(Buffer.from([0x09, 0x00, 0x00]));
    await waitClose(bad);
    expect((await h.ok(OP.RESET)).status).toBe(0);
    expect(server.radio.controllers.size).toBe(1);
  });

  it('close() ends every stream and the radio it made', async () => {
    const server = await startAirServer({ listen: 'tcp:127.0.0.1:0' });
    const accepted = new Promise<void>((r) => server.on('controller', () => r()));
    const s = await connect(server.address);
    await accepted;
    await server.close();
    await waitClose(s);
    expect(server.radio.closed).toBe(true);
  });

  it('over the socket: Encryption Change [v2] to a host that unmasked it, then a refresh with another key drops the link with 0x3D on both sides', async () => {
    const server = await startAirServer({ listen: `unix:${tmpPath()}` });
    servers.push(server);
    const { p, c } = await twoMeet(server);
    const cHandle = c.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)[0]!.le.readUInt16LE(1);
    const pHandle = p.eventsOf(EVT.LE_META, LE_EVT.CONNECTION_COMPLETE)[0]!.le.readUInt16LE(1);
    await c.ok(OP.SET_EVENT_MASK_PAGE_2, u64(1n << 25n));
    const rand = Buffer.alloc(8, 7);
    const ltk = Buffer.alloc(16, 0x42);
    const start = async (key: Buffer) => {
      const since = p.mark();
      await c.ok(OP.LE_ENABLE_ENCRYPTION, [...u16(cHandle), ...rand, ...u16(0x0102), ...key]);
      await p.waitLe(LE_EVT.LONG_TERM_KEY_REQUEST, 'LTK request', { since });
      await p.ok(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, [...u16(pHandle), ...ltk]);
    };
    await start(ltk);
    const v2 = await c.waitEvent((e) => e.code === EVT.ENCRYPTION_CHANGE_V2, 'central [v2]');
    expect([...v2.params]).toEqual([0, ...u16(cHandle), 1, 16]);
    expect((await p.waitEvent((e) => e.code === EVT.ENCRYPTION_CHANGE, 'peripheral [v1]')).params).toHaveLength(4);
    await start(Buffer.alloc(16, 0x24));
    const gone = (h: TestHost, what: string) => h.waitEvent((e) => e.code === EVT.DISCONNECTION_COMPLETE, what);
    expect((await gone(c, 'central disconnection')).params[3]).toBe(0x3d);
    expect((await gone(p, 'peripheral disconnection')).params[3]).toBe(0x3d);
  });
});
