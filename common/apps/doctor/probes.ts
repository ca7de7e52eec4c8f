// What `blebench doctor` looks at, behind one interface so tests can feed it any machine. The real
// probes read the kernel and the system only: no socket is bound, no adapter is touched, nothing is
// written.
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { loadKernelSocketClass } from '../../stack/hci/native-module.js';
import type { HciDeviceInfo } from '../../stack/hci/socket-api.js';

export interface KernelBluetooth {
  /** Whether an AF_BLUETOOTH socket could be created. */
  supported: boolean;
  /** The errno name when it could not (EAFNOSUPPORT: no Bluetooth in this kernel). */
  errno?: string;
  message?: string;
  /** The kernel's HCI device list (HCIGETDEVLIST) when supported: which adapters are up. */
  devices?: HciDeviceInfo[];
}

export interface AdapterInfo {
  /** hci0, hci1, ... */
  name: string;
  devId: number;
  address?: string;
  /** From the kernel's device list; undefined when it could not be read. */
  up?: boolean;
  /** rfkill says the radio is blocked (soft or hard). */
  blocked?: 'soft' | 'hard';
  bus?: string;
}

export interface Privileges {
  uid: number | undefined;
  capNetRaw: boolean;
  capNetAdmin: boolean;
  /** The real path of the node binary: what setcap must name. */
  nodePath: string;
}

export interface UsbDevice {
  vendorId: number;
  productId: number;
  /** Device or an interface has class 0xE0 (Wireless Controller, subclass 1 protocol 1: Bluetooth). */
  bluetoothClass: boolean;
  product?: string;
}

export interface SerialPortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
}

export interface Probes {
  platform(): NodeJS.Platform;
  /** os.release(): the Windows build decides whether noble's WinRT bindings are used. */
  release(): string;
  kernelBluetooth(): KernelBluetooth;
  adapters(): AdapterInfo[];
  bluetoothdRunning(): boolean;
  privileges(): Privileges;
  usbDevices(): Promise<UsbDevice[] | { error: string }>;
  serialPorts(): Promise<SerialPortInfo[] | { error: string }>;
}

const require = createRequire(import.meta.url);
const SYS_BT = '/sys/class/bluetooth';
const SYS_USB = '/sys/bus/usb/devices';
/** Linux capability bits (include/uapi/linux/capability.h). */
export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;

const readTrim = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** CapEff from /proc/self/status, as a bigint mask (64 capability bits). */
export function parseCapEff(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

export const hasCap = (mask: bigint | undefined, bit: number): boolean => mask !== undefined && ((mask >> BigInt(bit)) & 1n) === 1n;

export function realProbes(): Probes {
  let kernel: KernelBluetooth | undefined;
  return {
    platform: () => process.platform,
    release: () => os.release(),
    kernelBluetooth() {
      if (kernel) return kernel;
      try {
        const Native = loadKernelSocketClass();
        const socket = new Native(); // the AF_BLUETOOTH socket: EAFNOSUPPORT here when the kernel has none
        let devices: HciDeviceInfo[] | undefined;
        try {
          devices = socket.getDeviceList();
        } catch {
          devices = undefined;
        }
        kernel = { supported: true, ...(devices ? { devices } : {}) };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        kernel = { supported: false, errno: e.code ?? 'UNKNOWN', message: e.message };
      }
      return kernel;
    },
    adapters() {
      if (!existsSync(SYS_BT)) return [];
      const devices = this.kernelBluetooth().devices ?? [];
      return readdirSync(SYS_BT)
        .filter((n) => /^hci\d+$/.test(n))
        .map((name): AdapterInfo => {
          const dir = path.join(SYS_BT, name);
          const devId = Number(name.slice(3));
          const dev = devices.find((d) => d.devId === devId);
          const rfkill = readdirSync(dir).find((n) => /^rfkill\d+$/.test(n));
          const hard = rfkill && readTrim(path.join(dir, rfkill, 'hard')) === '1';
          const soft = rfkill && readTrim(path.join(dir, rfkill, 'soft')) === '1';
          const address = readTrim(path.join(dir, 'address'))?.toUpperCase();
          const bus = readTrim(path.join(dir, 'bus')) ?? readTrim(path.join(dir, 'device', 'uevent'))?.match(/^DRIVER=(.+)$/m)?.[1];
          return {
            name,
            devId,
            ...(address ? { address } : {}),
            ...(dev && dev.devUp !== null ? { up: dev.devUp } : {}),
            ...(hard ? { blocked: 'hard' as const } : soft ? { blocked: 'soft' as const } : {}),
            ...(bus ? { bus } : {}),
          };
        });
    },
    bluetoothdRunning() {
      try {
        return readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .some((pid) => readTrim(`/proc/${pid}/comm`) === 'bluetoothd');
      } catch {
        return false;
      }
    },
    privileges() {
      const status = readTrim('/proc/self/status') ?? '';
      const caps = parseCapEff(status);
      let nodePath = process.execPath;
      try {
        nodePath = realpathSync(process.execPath);
      } catch {
        /* keep execPath */
      }
      return { uid: process.getuid?.(), capNetRaw: hasCap(caps, CAP_NET_RAW), capNetAdmin: hasCap(caps, CAP_NET_ADMIN), nodePath };
    },
    async usbDevices() {
      if (process.platform === 'linux') {
        if (!existsSync(SYS_USB)) return [];
        const out: UsbDevice[] = [];
        for (const d of readdirSync(SYS_USB)) {
          const dir = path.join(SYS_USB, d);
          const vid = readTrim(path.join(dir, 'idVendor'));
          const pid = readTrim(path.join(dir, 'idProduct'));
          if (!vid || !pid) continue;
          const classes = [readTrim(path.join(dir, 'bDeviceClass'))];
          try {
            for (const i of readdirSync(dir)) if (i.includes(':')) classes.push(readTrim(path.join(dir, i, 'bInterfaceClass')));
          } catch {
            /* no interfaces listed */
          }
          const product = readTrim(path.join(dir, 'product'));
          out.push({ vendorId: parseInt(vid, 16), productId: parseInt(pid, 16), bluetoothClass: classes.includes('e0'), ...(product ? { product } : {}) });
        }
        return out;
      }
      try {
        const usb = require('usb') as { getDeviceList(): Array<{ deviceDescriptor: { idVendor: number; idProduct: number; bDeviceClass: number } }> };
        return usb.getDeviceList().map((d) => ({ vendorId: d.deviceDescriptor.idVendor, productId: d.deviceDescriptor.idProduct, bluetoothClass: d.deviceDescriptor.bDeviceClass === 0xe0 }));
      } catch (err) {
        return { error: `libusb (the usb package) could not list devices: ${(err as Error).message}` };
      }
    },
    async serialPorts() {
      try {
        const { SerialPort } = (await import('serialport')) as unknown as { SerialPort: { list(): Promise<SerialPortInfo[]> } };
        return (await SerialPort.list()).map((p) => ({
          path: p.path,
          ...(p.vendorId ? { vendorId: p.vendorId.toLowerCase() } : {}),
          ...(p.productId ? { productId: p.productId.toLowerCase() } : {}),
          ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
        }));
      } catch (err) {
        // On Linux serialport lists ports with `udevadm info -e` (systemd's udev): without it, spawn fails with ENOENT.
        const e = err as NodeJS.ErrnoException & { path?: string; syscall?: string };
        if (e.code === 'ENOENT' && (e.path === 'udevadm' || /udevadm/.test(e.message))) {
          return { error: 'serial ports cannot be listed: udevadm (systemd\'s udev) is not installed, and serialport lists ports with it; install udev (Debian/Ubuntu: apt install udev), or name a port directly with --transport serial:/dev/ttyACM0' };
        }
        return { error: `serialport could not list ports: ${(err as Error).message}` };
      }
    },
  };
}
