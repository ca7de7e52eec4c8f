// `blebench doctor`: from what the probes saw to a list of checks (ok / missing / warning / info, each
// with what to do) and the hardware routes usable right now. `mock` and `h4:` always work and carry
// no radio, so they are listed apart; the exit code (0 or 3) says whether a route to a real radio is
// usable: hci:N, hci-user:N, usb, serial:PATH, or os.
import { osStackFor } from '../../stack/hci/os-transport.js';
import type { AdapterInfo, Probes, SerialPortInfo, UsbDevice } from './probes.js';

export type CheckStatus = 'ok' | 'missing' | 'warning' | 'info';

export interface Check {
  id: string;
  status: CheckStatus;
  title: string;
  detail: string;
  /** What to do, when something is missing or worth changing. */
  fix?: string;
}

export interface Route {
  /** A --transport value to try. */
  spec: string;
  what: string;
}

export interface DoctorReport {
  platform: NodeJS.Platform;
  release: string;
  checks: Check[];
  /** Hardware routes usable now: exit 0 when there is at least one. */
  usable: Route[];
  /** Always there, no radio behind them. */
  alwaysAvailable: Route[];
  exitCode: 0 | 3;
}

export const ALWAYS_AVAILABLE: Route[] = [
  { spec: 'mock', what: 'the built-in virtual radio in this process (no hardware)' },
  { spec: 'h4:unix:PATH', what: 'a `blebench air --listen unix:PATH` server (virtual radio shared between programs), or any H4 controller bridged to a socket' },
];

/** USB vendor IDs of boards that commonly carry an H4 UART controller (Zephyr hci_uart) or its USB-serial bridge. */
export const SERIAL_HCI_VENDORS: Readonly<Record<string, { name: string; likely: boolean }>> = {
  '1915': { name: 'Nordic Semiconductor', likely: true },
  '1366': { name: 'SEGGER J-Link (the VCOM of Nordic development kits)', likely: true },
  '2fe3': { name: 'Zephyr (default USB vendor ID of Zephyr USB devices)', likely: true },
  '0d28': { name: 'Arm DAPLink / mbed', likely: false },
  '10c4': { name: 'Silicon Labs CP210x USB-UART bridge', likely: false },
  '0403': { name: 'FTDI USB-UART bridge', likely: false },
  '1a86': { name: 'WCH CH34x USB-UART bridge', likely: false },
};

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export function serialCandidates(ports: SerialPortInfo[]): Array<SerialPortInfo & { vendor: string; likely: boolean }> {
  return ports.flatMap((p) => {
    const v = p.vendorId ? SERIAL_HCI_VENDORS[p.vendorId.toLowerCase()] : undefined;
    return v ? [{ ...p, vendor: v.name, likely: v.likely }] : [];
  });
}

export async function diagnose(probes: Probes): Promise<DoctorReport> {
  const platform = probes.platform();
  const release = probes.release();
  const checks: Check[] = [];
  const usable: Route[] = [];
  if (platform === 'linux') linuxChecks(probes, checks, usable);
  else if (platform === 'darwin' || platform === 'win32') osStackChecks(platform, release, checks, usable);
  else checks.push({ id: 'platform', status: 'warning', title: 'platform', detail: `${platform}: noble and bleno support Linux, macOS, Windows and FreeBSD`, fix: 'use usb or serial:PATH with a dongle, or mock' });

  await usbChecks(probes, platform, checks, usable);
  await serialChecks(probes, platform, checks, usable);
  return { platform, release, checks, usable, alwaysAvailable: ALWAYS_AVAILABLE, exitCode: usable.length ? 0 : 3 };
}

function linuxChecks(probes: Probes, checks: Check[], usable: Route[]): void {
  const kernel = probes.kernelBluetooth();
  if (!kernel.supported) {
    const noBt = kernel.errno === 'EAFNOSUPPORT';
    checks.push({
      id: 'kernel-bluetooth',
      status: 'missing',
      title: 'kernel Bluetooth (AF_BLUETOOTH)',
      detail: noBt
        ? 'this kernel has no Bluetooth support (EAFNOSUPPORT: the AF_BLUETOOTH socket family is missing), so hci:N and hci-user:N cannot work here'
        : `the kernel's Bluetooth socket could not be opened (${kernel.errno}: ${kernel.message ?? ''})`,
      fix: noBt
        ? 'without it: --transport mock (virtual radio), h4:unix:PATH (a `blebench air` server), or serial:PATH (an H4 UART controller such as Zephyr hci_uart on an nRF52840) or usb:VID:PID (a dongle through libusb); with an adapter: a kernel with CONFIG_BT (sudo modprobe bluetooth; containers and WSL often lack it)'
        : kernel.errno === 'MODULE_NOT_FOUND' || kernel.errno === 'ERR_DLOPEN_FAILED'
          ? 'run npm ci (builds @abandonware/bluetooth-hci-socket; needs python3, make and g++)'
          : 'see docs/hardware.md',
    });
    return;
  }
  checks.push({ id: 'kernel-bluetooth', status: 'ok', title: 'kernel Bluetooth (AF_BLUETOOTH)', detail: 'the kernel has Bluetooth sockets' });

  const priv = probes.privileges();
  const root = priv.uid === 0;
  const privileged = root || (priv.capNetRaw && priv.capNetAdmin);
  const setcap = `sudo setcap cap_net_raw,cap_net_admin+eip ${JSON.stringify(priv.nodePath)}`;
  checks.push(
    privileged
      ? { id: 'privileges', status: 'ok', title: 'raw and user-channel sockets', detail: root ? 'running as root' : 'this node has CAP_NET_RAW and CAP_NET_ADMIN' }
      : {
          id: 'privileges',
          status: 'missing',
          title: 'raw and user-channel sockets',
          detail: `not root and missing ${[!priv.capNetRaw && 'CAP_NET_RAW', !priv.capNetAdmin && 'CAP_NET_ADMIN'].filter(Boolean).join(' and ')}: hci:N and hci-user:N will fail with EPERM`,
          fix: `${setcap}   (once; repeat after a node upgrade), or run as root`,
        },
  );

  const adapters = probes.adapters();
  if (!adapters.length) {
    checks.push({ id: 'adapters', status: 'missing', title: 'adapters', detail: 'no HCI adapter (/sys/class/bluetooth is empty)', fix: 'plug a Bluetooth dongle in (it appears as hciN), or use serial:PATH / usb:VID:PID' });
  }
  const bluetoothd = probes.bluetoothdRunning();
  for (const a of adapters) checks.push(adapterCheck(a));
  checks.push(
    bluetoothd
      ? {
          id: 'bluetoothd',
          status: 'warning',
          title: 'bluetoothd',
          detail: 'bluetoothd is running: it holds the adapters it manages. hci:N (raw) works beside it, but bluetoothd keeps acting on the same controller (it may scan, advertise, connect and pair too); hci-user:N needs the adapter to itself',
          fix: `for hci-user:N: sudo systemctl stop bluetooth && sudo hciconfig ${adapters[0]?.name ?? 'hci0'} down (start it again afterwards); or leave one adapter to bluetoothd and give blebench another`,
        }
      : { id: 'bluetoothd', status: 'ok', title: 'bluetoothd', detail: 'not running: nothing else drives the adapters' },
  );
  if (!privileged) return;
  for (const a of adapters) {
    if (a.blocked) continue;
    if (a.up !== false) usable.push({ spec: `hci:${a.devId}`, what: `${a.name} through the kernel (raw socket; the kernel keeps answering LTK requests)` });
    if (!bluetoothd || a.up === false) usable.push({ spec: `hci-user:${a.devId}`, what: `${a.name} on the user channel (blebench drives it alone${a.up !== false ? '; bring it down first' : ''})` });
  }
}

function adapterCheck(a: AdapterInfo): Check {
  const title = `adapter ${a.name}${a.address ? ` ${a.address}` : ''}${a.bus ? ` (${a.bus})` : ''}`;
  if (a.blocked) {
    return { id: `adapter-${a.name}`, status: 'missing', title, detail: `rfkill ${a.blocked}-blocks the radio`, fix: a.blocked === 'soft' ? 'sudo rfkill unblock bluetooth' : 'a hardware switch or the firmware blocks it: turn the radio on' };
  }
  if (a.up === false) {
    return {
      id: `adapter-${a.name}`,
      status: 'warning',
      title,
      detail: 'down: fine for hci-user:N (it must be down), not for hci:N',
      fix: `for hci:${a.devId}: sudo hciconfig ${a.name} up (or sudo btmgmt --index ${a.devId} power on)`,
    };
  }
  return { id: `adapter-${a.name}`, status: 'ok', title, detail: a.up ? 'up' : 'present (state unknown)' };
}

function osStackChecks(platform: 'darwin' | 'win32', release: string, checks: Check[], usable: Route[]): void {
  const stack = osStackFor(platform)!;
  const osName = platform === 'darwin' ? 'macOS' : 'Windows';
  checks.push({ id: 'raw-hci', status: 'info', title: 'raw HCI (hci:N, hci-user:N)', detail: `Linux only: ${osName} keeps its controller to its own stack` });
  let centralOk = true;
  if (platform === 'win32') {
    const [major = 0, minor = 0, build = 0] = release.split('.').map((n) => parseInt(n, 10));
    centralOk = major > 10 || (major === 10 && (minor > 0 || build >= 15063));
    if (!centralOk) {
      checks.push({ id: 'os-central', status: 'missing', title: 'central through the OS', detail: `Windows ${release}: noble's WinRT bindings need Windows 10 build 15063 or later`, fix: 'update Windows, or use a dongle: usb:VID:PID (WinUSB driver via Zadig) or serial:COMn' });
    }
  }
  if (centralOk) {
    checks.push({ id: 'os-central', status: 'ok', title: 'central through the OS (--transport os)', detail: `${stack.central.api}: scanning, connecting, GATT; no HCI tap, and ${stack.pairing}` });
    usable.push({ spec: 'os', what: `the ${osName} stack (central${'unavailable' in stack.peripheral ? '' : ' and peripheral'}; no tap)` });
  }
  checks.push(
    'unavailable' in stack.peripheral
      ? { id: 'os-peripheral', status: 'missing', title: 'peripheral through the OS', detail: stack.peripheral.unavailable, fix: 'for the peripheral role: a USB dongle with the WinUSB driver (Zadig) as --transport usb:VID:PID, or an H4 UART board as serial:COMn' }
      : {
          id: 'os-peripheral',
          status: 'warning',
          title: 'peripheral through the OS (--transport os)',
          detail: `${stack.peripheral.api}: the OS builds the attribute table and decides security itself, so bleno's and blebench's per-request answers (0x05/0x0F/0x0C/0x08) and the tap are not available`,
          fix: 'for full control of the peripheral: a dongle as usb:VID:PID or an H4 UART board as serial:PATH',
        },
  );
}

async function usbChecks(probes: Probes, platform: NodeJS.Platform, checks: Check[], usable: Route[]): Promise<void> {
  const devices = await probes.usbDevices();
  if ('error' in devices) {
    checks.push({ id: 'usb', status: 'info', title: 'USB dongles', detail: devices.error });
    return;
  }
  const dongles = devices.filter((d: UsbDevice) => d.bluetoothClass);
  if (!dongles.length) {
    checks.push({ id: 'usb', status: 'info', title: 'USB dongles', detail: 'no USB Bluetooth controller seen (USB class 0xE0)' });
    return;
  }
  for (const d of dongles) {
    const spec = `usb:${hex4(d.vendorId)}:${hex4(d.productId)}`;
    const note =
      platform === 'linux'
        ? "the kernel's btusb driver normally holds it (then it is an hciN above: use hci:N or hci-user:N); usb:VID:PID needs btusb to let go"
        : platform === 'win32'
          ? 'needs the WinUSB driver (Zadig) instead of the Windows Bluetooth driver'
          : 'libusb must be able to claim it (not the controller macOS itself uses)';
    checks.push({ id: `usb-${spec}`, status: 'ok', title: `USB dongle ${hex4(d.vendorId)}:${hex4(d.productId)}${d.product ? ` (${d.product})` : ''}`, detail: `--transport ${spec}: ${note}` });
    usable.push({ spec, what: `the USB dongle ${d.product ?? ''} through libusb`.replace('  ', ' ') });
  }
}

async function serialChecks(probes: Probes, platform: NodeJS.Platform, checks: Check[], usable: Route[]): Promise<void> {
  const ports = await probes.serialPorts();
  if ('error' in ports) {
    checks.push({ id: 'serial', status: 'info', title: 'serial HCI controllers', detail: ports.error });
    return;
  }
  const found = serialCandidates(ports);
  if (!found.length) {
    checks.push({
      id: 'serial',
      status: 'info',
      title: 'serial HCI controllers',
      detail: `no serial port from a known HCI board vendor${ports.length ? ` (${ports.length} other port${ports.length > 1 ? 's' : ''})` : ''}`,
      fix: 'flash Zephyr samples/bluetooth/hci_uart on an nRF52840 board and plug it in; it then shows here as serial:PATH (docs/hardware.md)',
    });
    return;
  }
  for (const p of found) {
    const spec = `serial:${p.path}@1000000`;
    checks.push({
      id: `serial-${p.path}`,
      status: p.likely ? 'ok' : 'warning',
      title: `serial port ${p.path} (${p.vendor}, ${p.vendorId}:${p.productId ?? '????'})`,
      detail: `${p.likely ? 'looks like an HCI UART controller' : 'a USB-UART bridge: an HCI controller may sit behind it'}: try --transport ${spec} (opening it sends HCI Reset and says so if nothing answers)`,
      ...(platform === 'linux' ? { fix: 'if opening says EACCES: sudo usermod -aG dialout "$USER", then log in again' } : {}),
    });
    if (p.likely) usable.push({ spec, what: `${p.vendor} board on ${p.path} (H4 over UART; Zephyr hci_uart defaults: 1000000 baud, RTS/CTS)` });
  }
}
