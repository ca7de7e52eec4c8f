// `os` and the default transport: which spec each platform gets when --transport is not given, and
// what the os transport says about itself (no tap). The platform stacks cannot run here: the choice
// is a pure function, the transport is made with the platform passed in.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { platformTransportDefault } from '../../bin/commands/doctor.js';
import { transportOption } from '../../bin/options.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import { defaultTransport } from '../../common/stack/hci/transport-default.js';
import { OsTransport } from '../../common/stack/hci/os-transport.js';

describe('the default transport per platform', () => {
  it.each([
    ['linux', 'central', 'blebench', 'mock'],
    ['linux', 'peripheral', undefined, 'mock'],
    ['darwin', 'central', 'blebench', 'os'],
    ['darwin', 'peripheral', undefined, 'os'],
    ['darwin', 'central', undefined, 'mock'], // no --target: the self-walk on the virtual radio
    ['darwin', 'run', undefined, 'mock'],
    ['win32', 'central', 'blebench', 'os'],
    ['win32', 'peripheral', undefined, 'mock'], // bleno has no Windows stack bindings
    ['freebsd', 'central', 'blebench', 'mock'],
  ] as const)('%s %s (target %s) → %s', (platform, command, target, spec) => {
    expect(defaultTransport({ platform, command, ...(target ? { target } : {}) }).spec).toBe(spec);
  });

  it('a given --transport always wins, with no line', () => {
    expect(defaultTransport({ platform: 'darwin', command: 'central', given: 'serial:/dev/cu.usbmodem1', target: 'x' })).toEqual({ spec: 'serial:/dev/cu.usbmodem1' });
  });

  it('choosing os says so in one line: the stack, no tap, who decides pairing, how to choose otherwise', () => {
    const { note } = defaultTransport({ platform: 'darwin', command: 'central', target: 'x' });
    expect(note).toMatch(/^blebench: no --transport given: on macOS the central uses the system Bluetooth stack \(--transport os: CoreBluetooth/);
    expect(note).toContain('no HCI tap, pairing decided by macOS');
    expect(note).toContain('--transport mock');
    expect(defaultTransport({ platform: 'win32', command: 'peripheral' }).note).toMatch(/bleno 0.6.2 has no Windows platform bindings.*usb or serial:PATH/);
    expect(defaultTransport({ platform: 'linux', command: 'central', target: 'x' }).note).toBeUndefined();
  });

  it('the commander hook replaces only a default --transport, and prints the line', async () => {
    const seen: Array<{ transport: string }> = [];
    const lines: string[] = [];
    const program = new Command().exitOverride();
    program.command('central').option('--target <t>').addOption(transportOption()).action((o: { transport: string }) => void seen.push(o));
    program.hook('preAction', platformTransportDefault('darwin', (s) => lines.push(s)));
    await program.parseAsync(['central', '--target', 'x'], { from: 'user' });
    await program.parseAsync(['central', '--target', 'x', '--transport', 'mock'], { from: 'user' });
    expect(seen.map((o) => o.transport)).toEqual(['os', 'mock']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/on macOS the central uses the system Bluetooth stack/);
  });
});

describe('the os transport', () => {
  it('on Linux it explains that Linux uses hci:N (exit 3)', async () => {
    const err = await openTransport('os', { platform: 'linux' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).exitCode).toBe(3);
    expect((err as TransportError).message).toMatch(/on Linux .* use --transport hci:N .* or hci-user:N/);
  });

  it('on macOS it has no tap and no HCI socket, and names the stack', async () => {
    const t = await openTransport('os', { platform: 'darwin' });
    expect(t).toBeInstanceOf(OsTransport);
    expect(t.tapAvailable).toBe(false);
    expect(t.kernelShare).toBeUndefined();
    expect((t as OsTransport).stack.peripheral).toMatchObject({ blenoBindings: 'mac' });
    expect(() => t.createSocket()).toThrow(/has no HCI socket to hand out/);
    await t.close();
    expect(t.isOpen).toBe(false);
  });

  it('on Windows the stack is the central only', async () => {
    const t = (await openTransport('os', { platform: 'win32' })) as OsTransport;
    expect(t.stack.central.nobleBindings).toBe('win');
    expect(t.stack.peripheral).toMatchObject({ unavailable: expect.stringContaining('no Windows platform bindings') });
    await t.close();
  });

  it('every other transport says its tap is available', async () => {
    const t = await openTransport('mock');
    expect(t.tapAvailable).toBe(true);
    await t.close();
  });
});
