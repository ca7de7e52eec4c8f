// Setting the controller's public address before a stack is attached (common/stack/hci/vendor-address.ts):
// Zephyr VS Write BD_ADDR over the transport, awaited, read back; the tap and btsnoop record it.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Radio, startAirServer, type AirServer, type VirtualController } from '../../common/stack/air/index.js';
import { HCI_STATUS, OP, VS_OP } from '../../common/base/codes/hci.js';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { ControllerCommandError, prepareControllerAddress, readPublicAddress, sendCommandAwaitComplete, writePublicAddress } from '../../common/stack/hci/vendor-address.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';

const ADDRESS = 'C0:FF:EE:00:00:01';
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-address-'));
let radio: Radio | undefined;
const open: HciTransport[] = [];
const closers: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const c of closers.splice(0)) await c();
  radio?.close();
  radio = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function mock(): Promise<HciTransport> {
  radio ??= new Radio();
  const t = await openTransport('mock', { radio, name: 'test' });
  open.push(t);
  return t;
}

async function refusal(p: Promise<unknown>): Promise<ControllerCommandError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ControllerCommandError);
  return e as ControllerCommandError;
}

describe('--address below the stack', () => {
  it('Write BD_ADDR is awaited and read back: the controller has the address', async () => {
    const t = await mock();
    expect(await readPublicAddress(t)).not.toBe(ADDRESS);
    await writePublicAddress(t, ADDRESS.toLowerCase());
    expect(await readPublicAddress(t)).toBe(ADDRESS);
    expect([...radio!.controllers].map((c) => c.address)).toEqual([ADDRESS]);
  });

  it('the tap records the vendor command and its Command Complete, and btsnoop has them', async () => {
    const t = await mock();
    const file = path.join(dir, 'address.btsnoop');
    t.tap.attachBtsnoop(file);
    await writePublicAddress(t, ADDRESS);
    const names = t.tap.entries.map((e) => e.name);
    expect(names).toContain('HCI Zephyr Write BD_ADDR');
    expect(names).toContain('HCI Command Complete (Zephyr Write BD_ADDR)');
    await t.close();
    const captured = decodeCapture((await readBtsnoop(file)).records);
    const cmd = captured.find((e) => e.name === 'HCI Zephyr Write BD_ADDR');
    expect(cmd?.dir).toBe('tx');
    // parameter: the address, least significant octet first
    expect(cmd!.raw.subarray(4).toString('hex')).toBe('010000eeffc0');
    const answer = captured.find((e) => e.name === 'HCI Command Complete (Zephyr Write BD_ADDR)');
    expect(answer?.dir).toBe('rx');
    expect(answer!.raw.at(-1)).toBe(HCI_STATUS.SUCCESS);
  });

  it('a controller without Zephyr vendor commands (0x01) is named, exit 3, with what to do', async () => {
    const t = await mock();
    radio!.faults.add({ on: 'command', opcode: VS_OP.ZEPHYR_WRITE_BD_ADDR, status: HCI_STATUS.UNKNOWN_HCI_COMMAND });
    const e = await refusal(writePublicAddress(t, ADDRESS));
    expect(e.code).toBe('NO_ZEPHYR_VENDOR_COMMANDS');
    expect(e.exitCode).toBe(EXIT.TRANSPORT_UNAVAILABLE);
    expect(e.message).toMatch(/no Zephyr vendor commands/);
    expect(e.hint).toMatch(/drop --address/);
  });

  it('an address another controller on the air has: refused (0x12), exit 3, the address unchanged', async () => {
    const t = await mock();
    radio!.createController({ address: ADDRESS });
    const before = await readPublicAddress(t);
    const e = await refusal(writePublicAddress(t, ADDRESS));
    expect(e).toMatchObject({ code: 'COMMAND_REFUSED', status: HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS, exitCode: EXIT.TRANSPORT_UNAVAILABLE });
    expect(e.hint).toMatch(/another controller already has this address/);
    expect(await readPublicAddress(t)).toBe(before);
  });

  it('a controller that never answers: a named timeout, not a hang', async () => {
    const sock = path.join(dir, 'silent.sock');
    const server = net.createServer((s) => s.on('data', () => undefined));
    await new Promise<void>((r) => server.listen(sock, r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const t = await openTransport(`h4:unix:${sock}`);
    open.push(t);
    const started = Date.now();
    const e = await refusal(sendCommandAwaitComplete(t, VS_OP.ZEPHYR_WRITE_BD_ADDR, Buffer.alloc(6), 200));
    expect(e.code).toBe('NO_COMMAND_COMPLETE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('the controller going away while we wait ends the wait at once, by name', async () => {
    const air = await startAirServer({ listen: `unix:${path.join(dir, 'gone.sock')}` });
    closers.push(() => air.close());
    const t = await openTransport(`h4:unix:${path.join(dir, 'gone.sock')}`);
    open.push(t);
    const controller = await new Promise<VirtualController>((r) => (air.radio.controllers.size ? r([...air.radio.controllers][0]!) : air.on('controller', r)));
    controller.write = () => undefined; // swallows the command: no answer will come
    const started = Date.now();
    const waiting = sendCommandAwaitComplete(t, OP.LE_RAND, Buffer.alloc(0), 5000);
    await air.close();
    const e = await refusal(waiting);
    expect(e.code).toBe('TRANSPORT_CLOSED');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('a serial: controller with no public address', () => {
  let air: AirServer | undefined;
  afterEach(async () => {
    await air?.close();
    air = undefined;
  });

  async function serialToAir(): Promise<HciTransport> {
    air = await startAirServer({ listen: `pty:${path.join(mkdtempSync(path.join(dir, 'pty-')), 'air.tty')}` });
    const t = await openTransport(`serial:${air.address.slice('pty:'.length)}@1000000,rtscts`);
    open.push(t);
    return t;
  }

  it('warns once, naming --address, when Read BD_ADDR gives 00:00:00:00:00:00', async () => {
    const t = await serialToAir();
    // play a dongle with nothing programmed
    expect((await sendCommandAwaitComplete(t, VS_OP.ZEPHYR_WRITE_BD_ADDR, Buffer.alloc(6))).status).toBe(HCI_STATUS.SUCCESS);
    const lines: string[] = [];
    await prepareControllerAddress(t, undefined, (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/00:00:00:00:00:00.*--address/);
  });

  it('stays quiet when the controller has an address, and --address sets it over the UART', async () => {
    const t = await serialToAir();
    const lines: string[] = [];
    await prepareControllerAddress(t, undefined, (l) => lines.push(l));
    expect(lines).toEqual([]);
    await prepareControllerAddress(t, ADDRESS, (l) => lines.push(l));
    expect(lines).toEqual([]);
    expect(await readPublicAddress(t)).toBe(ADDRESS);
  });
});
