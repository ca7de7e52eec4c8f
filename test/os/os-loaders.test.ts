// The os loaders: which platform binding each loads, the typed errors when it cannot exist here, and
// pins on the binding interface blebench relies on in noble 1.9.2-26 and bleno 0.6.2 (read from their
// sources, so a version that changes it fails here, loudly, before anything runs on a Mac).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../common/stack/hci/transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import { loadNoble } from '../../central/noble/load.js';
import { loadNobleOs, NOBLE_OS_BINDING_EVENTS, NOBLE_OS_BINDING_METHODS, nobleOsBindingsModule, winrtAvailable } from '../../central/noble/os-bindings.js';
import { NobleInternalsChanged, nobleVersion, NOBLE_VERSION_PINNED } from '../../central/noble/internals.js';
import { BLENO_MAC_CHARACTERISTIC_FIELDS, BLENO_MAC_PROPERTIES, BLENO_OS_BINDING_METHODS, BLENO_VERSION_PINNED, blenoVersion, loadBleno, loadBlenoOs } from '../../peripheral/bleno/index.js';
import { fakeCoreBluetooth, requireWithFake } from './fake-corebluetooth.js';

const require = createRequire(import.meta.url);
const src = (pkg: string, f: string) => readFileSync(require.resolve(`@abandonware/${pkg}/${f}`), 'utf8');

/** The arguments of each `args = { _s("event"), ... }` in a binding's callbacks file, split at top-level commas. */
function emittedArgs(source: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of source.matchAll(/args = \{ _s\("(\w+)"\),([\s\S]*?)\};/g)) {
    const parts: string[] = [];
    let depth = 0;
    let cur = '';
    for (const ch of m[2]!) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) {
        parts.push(cur.trim());
        cur = '';
      } else cur += ch;
    }
    if (cur.trim()) parts.push(cur.trim());
    out.set(m[1]!, parts);
  }
  return out;
}

const osTransport = async (platform: NodeJS.Platform) => (await openTransport('os', { platform })) as OsTransport;

describe("noble's platform bindings as the os central uses them (noble 1.9.2-26)", () => {
  it('is the pinned version', () => {
    expect(nobleVersion()).toBe(NOBLE_VERSION_PINNED);
  });

  it('lib/noble.js calls each binding method the os central relies on, and listens to each event', () => {
    const noble = src('noble', 'lib/noble.js');
    const called = new Set([...noble.matchAll(/this\._bindings\.(\w+)\(/g)].map((m) => m[1]));
    for (const m of NOBLE_OS_BINDING_METHODS) expect(called, `lib/noble.js no longer calls bindings.${m}()`).toContain(m);
    const heard = new Set([...noble.matchAll(/this\._bindings\.on\('(\w+)'/g)].map((m) => m[1]));
    for (const e of Object.keys(NOBLE_OS_BINDING_EVENTS)) expect(heard, `lib/noble.js no longer listens to '${e}'`).toContain(e);
  });

  it.each(['mac', 'win'] as const)("the %s binding emits each event with the arguments the API bearer reads, and forwards no read/write/notify error", (os) => {
    const args = emittedArgs(src('noble', `lib/${os}/src/callbacks.cc`));
    for (const [event, names] of Object.entries(NOBLE_OS_BINDING_EVENTS)) {
      if (event === 'stateChange') continue;
      expect(args.get(event)?.length, `${os} binding: ${event}'s arguments changed`).toBe(names.length);
    }
    // The only error it forwards is the connection's, as a string or null.
    expect(args.get('connect')![1]).toBe('error.empty() ? env.Null() : _s(error)');
    expect(args.get('read')![4]).toBe('_b(isNotification)');
    expect(args.get('notify')![3]).toBe('_b(state)');
  });

  it('the mac binding drops the NSError of reads and writes (so os cells carry that caveat)', () => {
    const mm = src('noble', 'lib/mac/src/ble_manager.mm');
    const body = (sel: string) => {
      const at = mm.indexOf(sel);
      expect(at, `${sel} is gone from ble_manager.mm`).toBeGreaterThan(0);
      return mm.slice(mm.indexOf('{', at) + 1, mm.indexOf('\n}', at));
    };
    // The body never reads `error`: a failed read emits the cached value, a failed write looks done.
    expect(body('didUpdateValueForCharacteristic:(CBCharacteristic *)characteristic error:(NSError *)error')).not.toMatch(/\berror\b/);
    expect(body('didWriteValueForCharacteristic:(CBCharacteristic *)characteristic error:(NSError *)error')).not.toMatch(/\berror\b/);
    expect(body('didUpdateNotificationStateForCharacteristic:(CBCharacteristic *)characteristic error:(NSError *)error')).toContain('characteristic.isNotifying');
    expect(body('didFailToConnectPeripheral')).toContain('emit.Connected(uuid, "connection failed")');
  });

  it('loads lib/mac/bindings.js on macOS and lib/win/bindings.js on Windows, with lib/noble.js (no singleton)', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const loaded: string[] = [];
      const t = await osTransport(platform);
      const peer = { id: 'a', localName: 'x', serviceUuids: [], rssi: -50, services: [] };
      const n = await loadNobleOs(t, { platform, require: requireWithFake(fakeCoreBluetooth(peer), require, loaded) });
      expect(loaded).toEqual([nobleOsBindingsModule(platform), '@abandonware/noble/lib/noble.js']);
      expect((n.noble as unknown as { state: string }).state).toBe('poweredOn');
      await n.close();
      await t.close();
    }
  });

  it('a binding that cannot exist here fails with a typed error: no stack on Linux (use hci:), no native build of CoreBluetooth/WinRT', async () => {
    const t = await osTransport('darwin');
    const linux = await loadNobleOs(t, { platform: 'linux' }).catch((e: unknown) => e);
    expect(linux).toBeInstanceOf(TransportError);
    expect((linux as TransportError).code).toBe('UNSUPPORTED_ON_PLATFORM');
    expect((linux as TransportError).message).toContain('use --transport hci:N');
    for (const platform of ['darwin', 'win32'] as const) {
      const e = await loadNobleOs(t, { platform }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransportError);
      expect((e as TransportError).code).toBe('NATIVE_MODULE_MISSING');
      expect((e as TransportError).exitCode).toBe(3);
      expect((e as TransportError).message).toMatch(platform === 'darwin' ? /noble's CoreBluetooth binding \(@abandonware\/noble\/lib\/mac\/bindings\.js\) cannot be loaded/ : /WinRT binding/);
    }
    await t.close();
  });

  it('WinRT needs Windows 10 build 15063 or later, as lib/resolve-bindings.js decides', () => {
    expect(winrtAvailable('10.0.15063')).toBe(true);
    expect(winrtAvailable('10.0.22631')).toBe(true);
    expect(winrtAvailable('10.0.14393')).toBe(false);
    expect(winrtAvailable('6.3.9600')).toBe(false);
    expect(src('noble', 'lib/resolve-bindings.js')).toContain('(ver[0] === 10 && ver[1] === 0 && ver[2] >= 15063)');
  });

  it('a binding without a method noble calls is named', async () => {
    const t = await osTransport('darwin');
    class Partial extends EventEmitter {
      init() {}
    }
    await expect(loadNobleOs(t, { platform: 'darwin', require: requireWithFake(Partial, require) })).rejects.toThrow(NobleInternalsChanged);
    await t.close();
  });

  it("the HCI loader points at the os loader instead of running on os", async () => {
    const t = await osTransport('darwin');
    await expect(loadNoble(t)).rejects.toThrow(/no HCI below the OS stack.*loadNobleOs/);
    await t.close();
  });
});

describe("bleno's CoreBluetooth binding as the os peripheral uses it (bleno 0.6.2)", () => {
  it('is the pinned version', () => {
    expect(blenoVersion()).toBe(BLENO_VERSION_PINNED);
  });

  it('lib/bleno.js picks lib/mac/bindings on macOS and calls each binding method the os peripheral relies on', () => {
    const bleno = src('bleno', 'lib/bleno.js');
    expect(bleno).toMatch(/if \(platform === 'darwin'\) \{\s*bindings = require\('\.\/mac\/bindings'\);/);
    const called = new Set([...bleno.matchAll(/this\._bindings\.(\w+)\(/g)].map((m) => m[1]));
    for (const m of BLENO_OS_BINDING_METHODS) expect(called, `lib/bleno.js no longer calls bindings.${m}()`).toContain(m);
  });

  it('the mac binding reads uuid, value, properties, secure and descriptors, and maps `secure` per operation to EncryptionRequired', () => {
    const napi = src('bleno', 'lib/mac/src/napi_objc.mm');
    for (const f of BLENO_MAC_CHARACTERISTIC_FIELDS) expect(napi).toContain(`obj.Get("${f}")`);
    for (const p of BLENO_MAC_PROPERTIES) expect(napi, `${p} is no longer mapped`).toContain(`[p containsObject:@"${p}"]`);
    for (const p of ['read', 'write', 'writeWithoutResponse', 'notify', 'indicate']) expect(napi).toContain(`[s containsObject:@"${p}"]`);
    expect(napi).toContain('CBAttributePermissionsReadEncryptionRequired');
    expect(napi).toContain('CBCharacteristicPropertyNotifyEncryptionRequired');
    expect(napi).not.toMatch(/MITM|Authenticated/i);
  });

  it("the mac binding emits readRequest(offset, cb(result, data)) and writeRequest(data, offset, withoutResponse, cb(result)) on the characteristic", () => {
    const args = emittedArgs(src('bleno', 'lib/mac/src/callbacks.mm'));
    expect(args.get('readRequest')).toEqual(['_n(offset)', 'cb']);
    expect(args.get('writeRequest')).toEqual(['toBufferFromNSData(env, data)', '_n(offset)', '_b(ignoreResponse)', 'cb']);
    expect(args.get('subscribe')).toEqual(['_n(maxValueSize)', 'cb']);
    const mm = src('bleno', 'lib/mac/src/ble_peripheral_manager.mm');
    expect(mm).toContain('respondToRequest:request\n                                  withResult:(CBATTError)result');
  });

  it('loading the CoreBluetooth binding where it cannot exist fails with a typed error; Windows has no stack for the peripheral', async () => {
    const mac = await osTransport('darwin');
    const e = await loadBlenoOs(mac).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).message).toMatch(/bleno's CoreBluetooth binding runs on macOS only/);
    const win = await osTransport('win32');
    const w = await loadBlenoOs(win).catch((x: unknown) => x);
    expect(w).toBeInstanceOf(TransportError);
    expect((w as TransportError).message).toContain('bleno 0.6.2 has no Windows platform bindings');
    await expect(loadBleno(mac)).rejects.toThrow(/loadBlenoOs/);
    await mac.close();
    await win.close();
  });
});
