// `blebench doctor` on a machine without udevadm (serialport lists Linux ports with `udevadm info -e`):
// the serial check says the tool is not installed and what to do, never `spawn udevadm ENOENT`.
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('doctor without udevadm', () => {
  afterEach(() => {
    vi.doUnmock('serialport');
    vi.resetModules();
  });

  it('the serial ports check says udevadm is not installed', async () => {
    vi.resetModules();
    vi.doMock('serialport', () => ({
      SerialPort: { list: () => Promise.reject(Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT', errno: -2, syscall: 'spawn udevadm', path: 'udevadm' })) },
    }));
    const { realProbes } = await import('../../common/apps/doctor/probes.js');
    const ports = await realProbes().serialPorts();
    expect('error' in ports && ports.error).toMatch(/udevadm \(systemd's udev\) is not installed.*apt install udev/);
    expect('error' in ports && ports.error).not.toMatch(/spawn udevadm ENOENT/);
  });
});
