// The native specs fail by name, with what to do. The first test is real: this machine's kernel has
// no Bluetooth. The others stand a fake kernel socket in for situations this machine cannot reach.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../common/stack/hci/transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import type { NativeSocketClass } from '../../common/stack/hci/native-module.js';

async function openError(spec: string, native?: { kernel?: () => NativeSocketClass; usb?: () => NativeSocketClass }): Promise<TransportError> {
  try {
    const t = await openTransport(spec, native ? { native } : {});
    await t.close();
  } catch (e) {
    expect(e).toBeInstanceOf(TransportError);
    return e as TransportError;
  }
  throw new Error(`${spec} opened, but was expected to fail`);
}

function fakeKernel(behaviour: { ctor?: string; bind?: string; up?: boolean; devices?: number[] }): () => NativeSocketClass {
  const errno = (code: string) => Object.assign(new Error(code), /^E[A-Z]+$/.test(code) ? { code } : {});
  class Fake extends EventEmitter {
    constructor() {
      super();
      if (behaviour.ctor) throw errno(behaviour.ctor);
    }
    getDeviceList() {
      return (behaviour.devices ?? [0]).map((devId) => ({ devId, devUp: true, idVendor: null, idProduct: null, busNumber: null, deviceAddress: null }));
    }
    bindRaw() {
      if (behaviour.bind) throw errno(behaviour.bind);
      return 0;
    }
    bindUser() {
      if (behaviour.bind) throw errno(behaviour.bind);
      return 0;
    }
    bindControl() {
      return 0;
    }
    isDevUp() {
      return behaviour.up ?? true;
    }
    start() {}
    stop() {}
    write() {}
    setFilter() {}
  }
  return () => Fake as unknown as NativeSocketClass;
}

describe('native transports', () => {
  it('hci:0 on a kernel without Bluetooth names EAFNOSUPPORT and points to mock and h4:', async () => {
    const err = await openError('hci:0');
    expect(err.code).toBe('NO_KERNEL_BLUETOOTH');
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain('EAFNOSUPPORT');
    expect(err.hint).toContain('--transport mock');
    expect(err.hint).toContain('h4:');
  });

  it('hci-user:0 on a kernel without Bluetooth names EAFNOSUPPORT', async () => {
    expect((await openError('hci-user:0')).code).toBe('NO_KERNEL_BLUETOOTH');
  });

  it('EPERM says how to grant the capabilities', async () => {
    const err = await openError('hci:0', { kernel: fakeKernel({ bind: 'EPERM' }) });
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.hint).toContain('setcap cap_net_raw,cap_net_admin+eip');
  });

  it('EBUSY on the user channel says bluetoothd holds the adapter', async () => {
    const err = await openError('hci-user:1', { kernel: fakeKernel({ bind: 'EBUSY' }) });
    expect(err.code).toBe('ADAPTER_BUSY');
    expect(err.message).toContain('bluetoothd');
    expect(err.hint).toContain('hci:1');
  });

  it('an adapter number that does not exist is named', async () => {
    const err = await openError('hci:4', { kernel: fakeKernel({ devices: [0, 1] }) });
    expect(err.code).toBe('NO_SUCH_DEVICE');
    expect(err.message).toContain('hci4');
  });

  it('an adapter that is down says how to bring it up', async () => {
    const err = await openError('hci:0', { kernel: fakeKernel({ up: false }) });
    expect(err.code).toBe('ADAPTER_DOWN');
    expect(err.hint).toContain('hciconfig hci0 up');
  });

  it('usb with no dongle names that and how to fix it', async () => {
    // what bluetooth-hci-socket's usb.js throws when it finds no device
    const err = await openError('usb:0a12:0001', { usb: fakeKernel({ bind: 'No compatible USB Bluetooth 4.0 device found!' }) });
    expect(err.code).toBe('NO_USB_DONGLE');
    expect(err.exitCode).toBe(3);
    expect(err.hint).toContain('usb:VID:PID');
  });

  it('h4:unix to a path where nothing listens says how to start one', async () => {
    const err = await openError('h4:unix:/nonexistent/blebench.sock');
    expect(err.code).toBe('CONNECT_FAILED');
    expect(err.hint).toContain('blebench air');
  });

  it('os on Linux explains that Linux uses hci:', async () => {
    const err = await openError('os');
    expect(err.message).toContain('hci:N');
  });
});
