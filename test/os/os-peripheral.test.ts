// The peripheral on the os transport: the default profile mapped to bleno's CoreBluetooth properties
// honestly (encryption → EncryptionRequired, nothing stronger), a warning per characteristic where
// macOS will not do what blebench's peripheral does, and real bleno (lib/bleno.js) serving through a
// fake mac binding that calls the characteristics as CoreBluetooth's binding does.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import { waitForEvent, withTimeout } from '../../common/base/util/wait.js';
import { OS_PERIPHERAL_START_WARNINGS, planOsProfile } from '../../peripheral/os/os-profile-plan.js';
import { OsPeripheralServer, type OsRequestRecord } from '../../peripheral/os/os-peripheral.js';
import { runOsPeripheral } from '../../bin/commands/peripheral-os.js';
import { createLogger } from '../../common/base/log/logger.js';

const profile = loadProfile(DEFAULT_PROFILE);
const plan = planOsProfile(profile);
const planOf = (name: string) => plan.characteristics.find((c) => c.characteristic.name === name)!;

interface BlenoCharacteristicLike extends EventEmitter {
  uuid: string;
  properties: string[];
  secure: string[];
  value: Buffer | null;
  descriptors: { uuid: string }[];
}

/** bleno 0.6.2's lib/mac binding as lib/bleno.js sees it: init → stateChange, setServices → servicesSet. */
class FakeBlenoMac extends EventEmitter {
  services: { uuid: string; characteristics: BlenoCharacteristicLike[] }[] = [];
  advertised: [string, string[]] | undefined;
  init() {
    setImmediate(() => this.emit('stateChange', 'poweredOn'));
  }
  startAdvertising(name: string, uuids: string[]) {
    this.advertised = [name, uuids];
    setImmediate(() => this.emit('advertisingStart'));
  }
  stopAdvertising() {
    setImmediate(() => this.emit('advertisingStop'));
  }
  setServices(services: { uuid: string; characteristics: BlenoCharacteristicLike[] }[]) {
    this.services = services;
    setImmediate(() => this.emit('servicesSet'));
  }
  disconnect() {}
  updateRssi() {}
  characteristic(uuid: string): BlenoCharacteristicLike {
    return this.services.flatMap((s) => s.characteristics).find((c) => c.uuid === uuid.replace(/-/g, ''))!;
  }
  /** CoreBluetooth's didReceiveReadRequest: emit('readRequest', offset, callback(result, data)). */
  read(c: BlenoCharacteristicLike, offset = 0): Promise<[number, Buffer]> {
    return new Promise((resolve) => c.emit('readRequest', offset, (result: number, data: Buffer) => resolve([result, data])));
  }
  write(c: BlenoCharacteristicLike, data: Buffer, offset = 0, withoutResponse = false): Promise<number> {
    return new Promise((resolve) => c.emit('writeRequest', data, offset, withoutResponse, (result: number) => resolve(result)));
  }
}

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function serve() {
  const t = (await openTransport('os', { platform: 'darwin' })) as OsTransport;
  opened.push(t);
  const fake = new FakeBlenoMac();
  const server = await OsPeripheralServer.serve({ transport: t, profile, bindings: fake, timeoutMs: 2000 });
  opened.push(server);
  return { fake, server };
}

describe('a profile mapped to bleno\'s CoreBluetooth binding', () => {
  it('encryption becomes EncryptionRequired per operation, and nothing else is marked secure', () => {
    expect(planOf('Open Read')).toMatchObject({ properties: ['read'], secure: [], warnings: [] });
    expect(planOf('Encrypted Read')).toMatchObject({ properties: ['read'], secure: ['read'] });
    expect(planOf('Encrypted Write')).toMatchObject({ secure: ['write'] });
    expect(planOf('Encrypted Write Command')).toMatchObject({ secure: ['writeWithoutResponse'] });
    expect(planOf('Encrypted Notify')).toMatchObject({ properties: ['notify'], secure: ['notify'] });
    expect(planOf('Authorized Read')).toMatchObject({ secure: [], warnings: [] });
    expect(planOf('Indicate')).toMatchObject({ properties: ['read', 'indicate'], secure: [] });
  });

  it('warns per characteristic what macOS will do: its own 0x05/0x0F, no MITM, no key size, no override', () => {
    expect(planOf('Encrypted Read').warnings).toEqual([expect.stringMatching(/^"Encrypted Read" read needs encryption: served as CBAttributePermissionsReadEncryptionRequired; macOS answers an unencrypted request itself \(0x05 or 0x0F, its choice/)]);
    expect(planOf('Authenticated Read').warnings.join('\n')).toMatch(/MITM protection: CoreBluetooth cannot require it, so a Just Works key is accepted where blebench would answer 0x05/);
    expect(planOf('Strong Key Read').warnings.join('\n')).toMatch(/at least 16 octets: macOS picks the key size, so 0x0C .* is never answered/);
    expect(planOf('Encrypted Read Answering 0x0F').warnings.join('\n')).toMatch(/the profile's answer 0x0F cannot be given/);
    expect(planOf('Encrypted Notify').warnings.join('\n')).toContain('CBCharacteristicPropertyNotifyEncryptionRequired');
    expect(planOf('Reliable Write').warnings.join('\n')).toMatch(/extended properties \(0x2900, reliable write\) are not served/);
    expect(plan.startWarnings).toEqual([...OS_PERIPHERAL_START_WARNINGS]);
  });
});

describe('serving on the os transport (real bleno, fake CoreBluetooth binding)', () => {
  it('hands CoreBluetooth the mapped characteristics (no cached value, so reads reach blebench) and advertises the profile', async () => {
    const { fake, server } = await serve();
    expect(fake.advertised).toEqual(['blebench', ['b1eb10007e574b3e9c1d2f5e0b1c7a90']]);
    const enc = fake.characteristic(planOf('Encrypted Read').characteristic.uuid);
    expect(enc).toMatchObject({ properties: ['read'], secure: ['read'], value: null });
    expect(fake.characteristic(planOf('Encrypted Notify').characteristic.uuid).secure).toEqual(['notify']);
    expect(server.warnings.slice(0, OS_PERIPHERAL_START_WARNINGS.length)).toEqual([...OS_PERIPHERAL_START_WARNINGS]);
  });

  it('answers what CoreBluetooth passes on: the value, 0x08 until authorized, 0x07 past the end, 0x0D for a value too long; each an API fact', async () => {
    const { fake, server } = await serve();
    const seen: OsRequestRecord[] = [];
    server.on('request', (r) => seen.push(r));
    const open = fake.characteristic(planOf('Open Read').characteristic.uuid);
    const [ok, value] = await fake.read(open);
    expect(ok).toBe(0);
    expect(value).toEqual(profile.services[0]!.characteristics.find((c) => c.name === 'Open Read')!.value);
    const authorized = fake.characteristic(planOf('Authorized Read').characteristic.uuid);
    expect((await fake.read(authorized))[0]).toBe(ATT_ERROR.INSUFFICIENT_AUTHORIZATION);
    server.setAuthorization(true);
    expect((await fake.read(authorized))[0]).toBe(0);
    expect((await fake.read(open, value.length + 1))[0]).toBe(ATT_ERROR.INVALID_OFFSET);
    const long = fake.characteristic(planOf('Long Value').characteristic.uuid);
    expect(await fake.write(long, Buffer.alloc(600))).toBe(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
    expect(await fake.write(long, Buffer.from('new'))).toBe(0);
    expect(server.value('Long Value').toString()).toBe('new');
    expect(seen.map((r) => [r.characteristic, r.operation, r.answer, r.source])).toEqual([
      ['Open Read', 'read', 0, 'api'],
      ['Authorized Read', 'read', 0x08, 'api'],
      ['Authorized Read', 'read', 0, 'api'],
      ['Open Read', 'read', 0x07, 'api'],
      ['Long Value', 'write', 0x0d, 'api'],
      ['Long Value', 'write', 0, 'api'],
    ]);
  });

  it('notifies a subscribed central through the callback CoreBluetooth gave', async () => {
    const { fake, server } = await serve();
    const temp = fake.characteristic(planOf('Temperature').characteristic.uuid);
    expect(server.notify('Temperature')).toBe(false);
    const sent: Buffer[] = [];
    const subscribed = waitForEvent(server, 'subscribe', { what: 'subscribe', timeoutMs: 1000 });
    temp.emit('subscribe', 182, (data: Buffer) => sent.push(Buffer.from(data)));
    await subscribed;
    expect(server.notify('Temperature', Buffer.from([0x16, 0x00]))).toBe(true);
    expect(sent).toEqual([Buffer.from([0x16, 0x00])]);
  });

  it('blebench peripheral on os says at start that facts come from the API, with every warning, then serves until the signal', async () => {
    const t = (await openTransport('os', { platform: 'darwin' })) as OsTransport;
    opened.push(t);
    let out = '';
    let stop!: () => void;
    let isReady!: () => void;
    const signalled = new Promise<0>((resolve) => (stop = () => resolve(0)));
    const ready = new Promise<void>((resolve) => (isReady = resolve));
    const write = (s: string) => {
      out += s;
      if (out.includes('waiting for a central')) isReady();
    };
    const running = runOsPeripheral({ transport: t, profile, log: createLogger({ level: 'silent' }), signalled, out: write, bindings: new FakeBlenoMac() });
    await withTimeout(ready, { what: 'the ready line', timeoutMs: 2000 });
    stop();
    expect(await running).toBe(0);
    expect(out.split('\n')[0]).toBe('blebench peripheral: facts from the OS API, not the air: no HCI tap; CoreBluetooth decides security and pairing');
    expect(out).toContain('warning: "Authenticated Read" read needs MITM protection');
    expect(out).toContain('through CoreBluetooth CBPeripheralManager (bleno lib/mac)');
  });
});
