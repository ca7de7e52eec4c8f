// blebench doctor: each situation a person can be in, fed through injected probes; and once, the real
// probes of this machine (no Bluetooth in its kernel).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../bin/commands/doctor.js';
import { diagnose, hasCap, parseCapEff, realProbes, renderDoctor, CAP_NET_ADMIN, CAP_NET_RAW, type DoctorReport, type Probes } from '../../common/apps/doctor/index.js';

/** A Linux machine with kernel Bluetooth, one adapter up, root, nothing else: override what a test is about. */
function linux(over: Partial<Probes> = {}): Probes {
  return {
    platform: () => 'linux',
    release: () => '6.1.0',
    kernelBluetooth: () => ({ supported: true, devices: [] }),
    adapters: () => [{ name: 'hci0', devId: 0, address: '00:1A:7D:DA:71:13', up: true }],
    bluetoothdRunning: () => false,
    privileges: () => ({ uid: 0, capNetRaw: true, capNetAdmin: true, nodePath: '/usr/bin/node' }),
    usbDevices: async () => [],
    serialPorts: async () => [],
    ...over,
  };
}
const noKernel = { kernelBluetooth: () => ({ supported: false, errno: 'EAFNOSUPPORT', message: 'Address family not supported by protocol' }), adapters: () => [] };
const check = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id);
const specs = (r: DoctorReport) => r.usable.map((u) => u.spec);

describe('doctor on Linux', () => {
  it('no kernel Bluetooth: names EAFNOSUPPORT, points to mock, h4: and serial:, exit 3', async () => {
    const r = await diagnose(linux(noKernel));
    const k = check(r, 'kernel-bluetooth')!;
    expect(k.status).toBe('missing');
    expect(k.detail).toContain('EAFNOSUPPORT');
    for (const way of ['--transport mock', 'h4:unix:PATH', 'serial:PATH']) expect(k.fix).toContain(way);
    expect(r.usable).toEqual([]);
    expect(r.exitCode).toBe(3);
    expect(r.alwaysAvailable.map((a) => a.spec)).toEqual(['mock', 'h4:unix:PATH']);
  });

  it('an adapter up, root, no bluetoothd: hci:0 and hci-user:0 usable, exit 0', async () => {
    const r = await diagnose(linux());
    expect(check(r, 'adapter-hci0')).toMatchObject({ status: 'ok', title: 'adapter hci0 00:1A:7D:DA:71:13', detail: 'up' });
    expect(specs(r)).toEqual(['hci:0', 'hci-user:0']);
    expect(r.exitCode).toBe(0);
  });

  it('adapter present but down: a warning with the command to bring it up; only the user channel is usable', async () => {
    const r = await diagnose(linux({ adapters: () => [{ name: 'hci0', devId: 0, up: false }] }));
    const a = check(r, 'adapter-hci0')!;
    expect(a.status).toBe('warning');
    expect(a.fix).toContain('sudo hciconfig hci0 up');
    expect(a.fix).toContain('btmgmt --index 0 power on');
    expect(specs(r)).toEqual(['hci-user:0']);
  });

  it('bluetoothd holding the adapter: a warning naming what it does and how to stop it; raw only', async () => {
    const r = await diagnose(linux({ bluetoothdRunning: () => true }));
    const b = check(r, 'bluetoothd')!;
    expect(b.status).toBe('warning');
    expect(b.detail).toMatch(/hci:N \(raw\) works beside it/);
    expect(b.fix).toContain('sudo systemctl stop bluetooth');
    expect(b.fix).toContain('sudo hciconfig hci0 down');
    expect(specs(r)).toEqual(['hci:0']);
  });

  it('no permission: names the missing capabilities and gives the exact setcap command for this node; nothing usable', async () => {
    const r = await diagnose(linux({ privileges: () => ({ uid: 1000, capNetRaw: false, capNetAdmin: true, nodePath: '/opt/node-v20/bin/node' }) }));
    const p = check(r, 'privileges')!;
    expect(p.status).toBe('missing');
    expect(p.detail).toContain('missing CAP_NET_RAW');
    expect(p.detail).not.toContain('CAP_NET_ADMIN');
    expect(p.fix).toContain('sudo setcap cap_net_raw,cap_net_admin+eip "/opt/node-v20/bin/node"');
    expect(r.exitCode).toBe(3);
  });

  it('capabilities instead of root are enough', async () => {
    const r = await diagnose(linux({ privileges: () => ({ uid: 1000, capNetRaw: true, capNetAdmin: true, nodePath: '/usr/bin/node' }) }));
    expect(check(r, 'privileges')).toMatchObject({ status: 'ok', detail: 'this node has CAP_NET_RAW and CAP_NET_ADMIN' });
  });

  it('rfkill-blocked adapter: missing, with rfkill unblock', async () => {
    const r = await diagnose(linux({ adapters: () => [{ name: 'hci0', devId: 0, up: false, blocked: 'soft' }] }));
    expect(check(r, 'adapter-hci0')).toMatchObject({ status: 'missing', fix: 'sudo rfkill unblock bluetooth' });
    expect(r.usable).toEqual([]);
  });

  it('a USB dongle (class 0xE0) is a usable route as usb:VID:PID, even without kernel Bluetooth; other USB devices are not', async () => {
    const r = await diagnose(
      linux({
        ...noKernel,
        usbDevices: async () => [
          { vendorId: 0x0a12, productId: 0x0001, bluetoothClass: true, product: 'CSR8510 A10' },
          { vendorId: 0x046d, productId: 0xc52b, bluetoothClass: false },
        ],
      }),
    );
    expect(specs(r)).toEqual(['usb:0a12:0001']);
    expect(check(r, 'usb-usb:0a12:0001')!.detail).toContain("btusb");
    expect(r.exitCode).toBe(0);
  });

  it('a serial HCI candidate (Nordic 1915) is a usable route as serial:PATH@1000000; a generic USB-UART bridge only a warning', async () => {
    const r = await diagnose(
      linux({
        ...noKernel,
        serialPorts: async () => [
          { path: '/dev/ttyACM0', vendorId: '1915', productId: '521f', manufacturer: 'ZEPHYR' },
          { path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60' },
          { path: '/dev/ttyS0' },
        ],
      }),
    );
    expect(specs(r)).toEqual(['serial:/dev/ttyACM0@1000000']);
    expect(check(r, 'serial-/dev/ttyACM0')).toMatchObject({ status: 'ok', fix: expect.stringContaining('usermod -aG dialout') });
    expect(check(r, 'serial-/dev/ttyUSB0')!.status).toBe('warning');
    expect(check(r, 'serial-/dev/ttyS0')).toBeUndefined();
    expect(r.exitCode).toBe(0);
  });

  it('CapEff bits: CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13', () => {
    const only = (bit: number) => `CapEff:\t${(1n << BigInt(bit)).toString(16).padStart(16, '0')}\n`;
    expect(hasCap(parseCapEff(only(13)), CAP_NET_RAW)).toBe(true);
    expect(hasCap(parseCapEff(only(13)), CAP_NET_ADMIN)).toBe(false);
    expect(hasCap(parseCapEff(only(12)), CAP_NET_ADMIN)).toBe(true);
    expect(hasCap(parseCapEff('CapEff:\t0000000000000000\n'), CAP_NET_RAW)).toBe(false);
  });
});

describe('doctor on macOS and Windows', () => {
  const mac: Probes = { ...linux(), platform: () => 'darwin', release: () => '23.4.0', kernelBluetooth: () => ({ supported: false, errno: 'EAFNOSUPPORT' }), adapters: () => [] };

  it('macOS: the OS stack is a route for both roles (no tap, pairing by macOS); raw HCI is Linux only; exit 0', async () => {
    const r = await diagnose(mac);
    expect(check(r, 'os-central')).toMatchObject({ status: 'ok', detail: expect.stringContaining('no HCI tap') });
    expect(check(r, 'os-peripheral')).toMatchObject({ status: 'warning', fix: expect.stringContaining('serial:PATH') });
    expect(check(r, 'raw-hci')!.detail).toContain('Linux only');
    expect(check(r, 'kernel-bluetooth')).toBeUndefined();
    expect(specs(r)).toEqual(['os']);
    expect(r.usable[0]!.what).toContain('central and peripheral');
    expect(r.exitCode).toBe(0);
  });

  it('Windows 10 build 19045: central through WinRT; no peripheral through the OS (bleno has no Windows bindings): the dongle route', async () => {
    const r = await diagnose({ ...mac, platform: () => 'win32', release: () => '10.0.19045' });
    expect(check(r, 'os-central')!.status).toBe('ok');
    const p = check(r, 'os-peripheral')!;
    expect(p.status).toBe('missing');
    expect(p.fix).toContain('WinUSB driver (Zadig)');
    expect(p.fix).toContain('serial:COMn');
    expect(r.usable).toEqual([{ spec: 'os', what: 'the Windows stack (central; no tap)' }]);
  });

  it('Windows 10 before build 15063: no WinRT central, nothing usable without a dongle: exit 3', async () => {
    const r = await diagnose({ ...mac, platform: () => 'win32', release: () => '10.0.14393' });
    expect(check(r, 'os-central')!.status).toBe('missing');
    expect(r.exitCode).toBe(3);
  });

  it('the readable report has one line per check with its status and what to do', async () => {
    const text = renderDoctor(await diagnose({ ...mac, platform: () => 'win32', release: () => '10.0.19045' }));
    expect(text).toMatch(/^\[ok\] +central through the OS/m);
    expect(text).toMatch(/^\[missing\] peripheral through the OS: .*\n +what to do: /m);
    expect(text).toMatch(/Hardware routes usable now:\n  --transport os /);
  });
});

describe('doctor on this machine (real probes)', () => {
  it('this kernel has no Bluetooth: the report names EAFNOSUPPORT and points to mock, h4: and serial:', async () => {
    let out = '';
    const code = await runDoctor({}, realProbes(), (s) => (out += s));
    expect(out).toMatch(/\[missing\] kernel Bluetooth \(AF_BLUETOOTH\): this kernel has no Bluetooth support \(EAFNOSUPPORT/);
    for (const way of ['--transport mock', 'h4:unix:PATH', 'serial:PATH']) expect(out).toContain(way);
    expect(code).toBe(3);
  });

  it('blebench doctor --json in a process: exit 3 and a report a machine can read', () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'doctor', '--json'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(3);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.platform).toBe('linux');
    expect(report.exitCode).toBe(3);
    expect(report.checks.find((c) => c.id === 'kernel-bluetooth')).toMatchObject({ status: 'missing', detail: expect.stringContaining('EAFNOSUPPORT') });
  });

  it('blebench doctor --help says mock and h4: always work and what exit 0 and 3 mean', () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'doctor', '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/`--transport mock`[\s\S]*always work/);
    expect(r.stdout).toMatch(/Exit 0 means a route to a real radio is usable now/);
  });
});
