// serial:PATH through a real tty on this machine: `blebench air --listen pty:PATH` is the UART
// controller, serialport opens the pseudo-terminal like any /dev/ttyACM0. The compliance suite every
// transport passes, then what is particular to a UART: the HCI Reset on open, a silent or garbled
// port named as such, a busy or missing port, and a clean start after a host left a packet half-sent.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAirServer, type AirServer, type VirtualController } from '../../common/stack/air/index.js';
import { EVT, H4, OP } from '../../common/base/codes/hci.js';
import { hciCommand } from '../../common/stack/hci/hci-packets.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { TransportError, explainSerialError } from '../../common/stack/hci/transport-errors.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { SerialPort } from 'serialport';

import { transportComplianceSuite } from './transport-compliance.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'blebench-serial-'));

let air: AirServer | undefined;
transportComplianceSuite('serial (H4 over a pseudo-terminal to blebench air --listen pty:)', {
  async open() {
    air = await startAirServer({ listen: `pty:${path.join(dir(), 'air.tty')}` });
    return openTransport(`serial:${air.address.slice('pty:'.length)}@1000000,rtscts`);
  },
  killController: async () => {
    await air!.close();
  },
  teardown: async () => {
    await air?.close();
    air = undefined;
  },
});

/** A pseudo-terminal held by a python3 process that never speaks H4: silent, or answering noise. */
async function fakeDevice(link: string, mode: 'silent' | 'noise'): Promise<ChildProcess> {
  const script = String.raw`
import os, pty, sys, tty, select
m, s = pty.openpty(); tty.setraw(s); name = os.ttyname(s)
os.symlink(name, sys.argv[1]); print('ready', flush=True)
while True:
    r, _, _ = select.select([m, 0], [], [])
    if 0 in r and not os.read(0, 1): break
    if m in r:
        try: data = os.read(m, 1024)
        except OSError: continue
        if sys.argv[2] == 'noise': os.write(m, bytes((b * 7 + 0x55) & 0xff for b in data) * 3)
os.unlink(sys.argv[1])
`;
  const p = spawn('python3', ['-I', '-S', '-c', script, link, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(p.stdout!, 'data');
  return p;
}

const opened: HciTransport[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
  for (const c of children.splice(0)) {
    c.stdin!.end();
    if (c.exitCode === null) await once(c, 'exit');
  }
  await air?.close();
  air = undefined;
});

async function openErr(spec: string, resetTimeoutMs = 3000): Promise<TransportError> {
  try {
    opened.push(await openTransport(spec, { serial: { resetTimeoutMs } }));
  } catch (e) {
    expect(e).toBeInstanceOf(TransportError);
    return e as TransportError;
  }
  throw new Error(`${spec} opened`);
}

describe('serial: what is particular to a UART', () => {
  it('opening resets the controller, and the tap shows that HCI Reset and its Command Complete first', async () => {
    air = await startAirServer({ listen: `pty:${path.join(dir(), 'air.tty')}` });
    const t = await openTransport(`serial:${air.address.slice(4)}`);
    opened.push(t);
    expect(t.label).toBe(`serial:${air.address.slice(4)}@1000000`);
    expect(t.tapAvailable).toBe(true);
    expect(t.tap.entries.slice(0, 2).map((e) => `${e.dir} ${e.name}`)).toEqual(['tx HCI Reset', 'rx HCI Command Complete (Reset)']);
  });

  it('pty:PATH is a symlink to a pseudo-terminal while the air runs, and is removed when it stops', async () => {
    const link = path.join(dir(), 'air.tty');
    air = await startAirServer({ listen: `pty:${link}` });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toMatch(/^\/dev\/pts\/\d+$/);
    await air.close();
    expect(existsSync(link)).toBe(false);
  });

  it('pty:PATH refuses to replace a regular file, and a link to a live pty', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'file'), 'x');
    await expect(startAirServer({ listen: `pty:${path.join(d, 'file')}` })).rejects.toThrow(/is not a symlink: refusing to replace it/);
    air = await startAirServer({ listen: `pty:${path.join(d, 'a.tty')}` });
    symlinkSync(readlinkSync(path.join(d, 'a.tty')), path.join(d, 'b.tty'));
    await expect(startAirServer({ listen: `pty:${path.join(d, 'b.tty')}` })).rejects.toThrow(/still exists \(another blebench air\?\)/);
  });

  it('a silent port is named: not an HCI controller, or not running', async () => {
    const link = path.join(dir(), 'silent');
    children.push(await fakeDevice(link, 'silent'));
    const t0 = Date.now();
    // The test is about the reset timeout firing and being named, not its length: a short one (nothing needs to arrive).
    const err = await openErr(`serial:${link}`, 150);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(err.code).toBe('NOT_HCI_CONTROLLER');
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/no answer to HCI Reset within 150 ms: .* is not an HCI controller speaking H4/);
    expect(err.hint).toMatch(/1000000 baud, RTS\/CTS/);
  });

  it('a port answering noise (the wrong baud rate looks like this) is named with the baud and flow control', async () => {
    const link = path.join(dir(), 'noise');
    children.push(await fakeDevice(link, 'noise'));
    const err = await openErr(`serial:${link}@115200,noflow`, 400);
    expect(err.code).toBe('NOT_HCI_CONTROLLER');
    expect(err.message).toMatch(/\d+ bytes came back .* no Command Complete for HCI Reset: the baud rate \(115200\) or flow control \(noflow\) is likely wrong/);
  });

  it('a missing port is ENOENT, named', async () => {
    const err = await openErr(`serial:${path.join(dir(), 'ttyACM9')}`);
    expect(err.code).toBe('NO_SUCH_DEVICE');
    expect(err.message).toMatch(/there is no serial port .*ttyACM9 \(ENOENT\)/);
    expect(err.hint).toMatch(/blebench doctor/);
  });

  it('a port another program holds is EBUSY, named (serialport locks the tty)', async () => {
    air = await startAirServer({ listen: `pty:${path.join(dir(), 'air.tty')}` });
    opened.push(await openTransport(`serial:${air.address.slice(4)}`));
    const err = await openErr(`serial:${air.address.slice(4)}`);
    expect(err.code).toBe('ADAPTER_BUSY');
    expect(err.message).toMatch(/is busy \(EBUSY\): another program holds it/);
  });

  it('EACCES (not testable as root here: the message serialport gives) says to join dialout; Windows messages are read too', () => {
    const label = 'serial:/dev/ttyACM0@1000000';
    const eacces = explainSerialError(new Error('Error: Permission denied, cannot open /dev/ttyACM0'), label, '/dev/ttyACM0');
    expect([eacces.code, eacces.hint]).toEqual(['PERMISSION_DENIED', expect.stringContaining('sudo usermod -aG dialout "$USER"')]);
    expect(explainSerialError(new Error('Opening COM3: Access denied'), 'serial:COM3', 'COM3').code).toBe('ADAPTER_BUSY');
    expect(explainSerialError(new Error('Opening COM3: File not found'), 'serial:COM3', 'COM3').code).toBe('NO_SUCH_DEVICE');
    expect(explainSerialError(new Error('Error Resource temporarily unavailable Cannot lock port'), label, '/dev/ttyACM0').code).toBe('ADAPTER_BUSY');
  });

  it('each session on the pty gets a fresh controller, and a packet the last host left half-sent does not leak into the next', async () => {
    air = await startAirServer({ listen: `pty:${path.join(dir(), 'air.tty')}` });
    const controllers: VirtualController[] = [];
    air.on('controller', (c) => controllers.push(c));
    const firstSession = waitForEvent<[VirtualController]>(air as unknown as NodeJS.EventEmitter, 'controller', { what: 'the first session', timeoutMs: 3000 });
    // a host that sends the first three bytes of a command and goes away
    const port = new SerialPort({ path: air.address.slice(4), baudRate: 1_000_000, autoOpen: false });
    await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
    port.write(Buffer.from([H4.COMMAND, 0x09, 0x10]));
    await new Promise<void>((r) => port.drain(() => r()));
    const [first] = await firstSession;
    // The session ends when the air sees the port closed (its controller powers off). A host that
    // reopens before that is, for the air, the same session: wait for the end, as a second program would.
    const firstGone = waitForEvent(first, 'close', { what: 'the end of the first session', timeoutMs: 3000 });
    await new Promise<void>((r) => port.close(() => r()));
    await firstGone;
    const second = await openTransport(`serial:${air.address.slice(4)}`);
    opened.push(second);
    const s = second.createSocket();
    s.bindRaw(0);
    s.start();
    const done = waitForEvent<[Buffer]>(s, 'data', { what: 'Read BD_ADDR', timeoutMs: 3000, pred: (p) => p[1] === EVT.COMMAND_COMPLETE && p.readUInt16LE(4) === OP.READ_BD_ADDR });
    s.write(hciCommand(OP.READ_BD_ADDR));
    const [rsp] = await done;
    expect(rsp[6]).toBe(0);
    expect(controllers.length).toBe(2);
    expect(controllers[0]!.address).not.toBe(controllers[1]!.address);
    expect(rsp.subarray(7).reverse().toString('hex').match(/../g)!.join(':').toUpperCase()).toBe(controllers[1]!.address);
  });

  it('the btsnoop capture of a serial session holds what went over the UART, and tshark reads it without a malformed packet', async () => {
    air = await startAirServer({ listen: `pty:${path.join(dir(), 'air.tty')}` });
    const file = path.join(dir(), 'serial.btsnoop');
    const t = await openTransport(`serial:${air.address.slice(4)}`);
    t.tap.attachBtsnoop(file);
    const s = t.createSocket();
    s.bindRaw(0);
    s.start();
    const done = waitForEvent<[Buffer]>(s, 'data', { what: 'Read BD_ADDR', timeoutMs: 3000, pred: (p) => p[1] === EVT.COMMAND_COMPLETE });
    s.write(hciCommand(OP.READ_BD_ADDR));
    await done;
    await t.close();
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('btsnoop\0');
    const { execFileSync } = await import('node:child_process');
    const text = execFileSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' });
    expect(text).toMatch(/Read BD ADDR/i);
    expect(text).not.toMatch(/Malformed/);
  });
});
