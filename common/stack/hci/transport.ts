// Opening a transport: from a spec string to something that hands noble and bleno their HCI
// sockets, with the tap on every packet. The role loaders inject `createSocket` in place of
// @abandonware/bluetooth-hci-socket before the libraries load.
import type { Radio, ControllerOptions } from '../air/index.js';
import { Tap, type TapOptions } from '../trace/tap.js';
import { KernelTransport } from './kernel-transport.js';
import { LinkTransport } from './link-transport.js';
import { ControllerLink } from './links/controller-link.js';
import { NativeUserLink } from './links/native-user-link.js';
import { SerialLink, type SerialOpenOptions } from './links/serial-link.js';
import { StreamLink } from './links/stream-link.js';
import { OsTransport, osStackFor } from './os-transport.js';
import type { HciTransport } from './hci-transport.js';
import { loadKernelSocketClass, loadUsbSocketClass, type NativeSocketClass } from './native-module.js';
import type { HciSocketApi } from './socket-api.js';
import { TransportError, explainNativeError } from './transport-errors.js';
import { formatTransportSpec, parseTransportSpec, type TransportSpec } from './transport-spec.js';

export type { HciTransport, HciTransportEvents } from './hci-transport.js';

export interface OpenTransportOptions {
  /** For `mock`: the radio to join (both roles of `run` share one). A private radio otherwise. */
  radio?: Radio;
  /** For `mock`: the virtual controller's settings (address, buffers). */
  controller?: ControllerOptions;
  /** Tap to observe with; a fresh one otherwise. */
  tap?: Tap;
  /** Tap name in logs ("central", "peripheral"). */
  name?: string;
  /**
   * What the fresh tap keeps (TapOptions): every entry by default (a scenario, a one-shot walk); a long-running
   * process passes LONG_RUN_HISTORY so that its memory stays flat over any number of connections.
   */
  history?: Pick<TapOptions, 'keepEntries' | 'keepLinks'>;
  /** Test seam: the native socket classes (so a unit test can stand in for the kernel). */
  native?: { kernel?: () => NativeSocketClass; usb?: () => NativeSocketClass };
  /** For `serial:`: how long the controller has to answer the HCI Reset sent on open. */
  serial?: SerialOpenOptions;
  /** Test seam for `os`: the platform to decide for (process.platform otherwise). */
  platform?: NodeJS.Platform;
}

export async function openTransport(specText: string | TransportSpec, options: OpenTransportOptions = {}): Promise<HciTransport> {
  const spec = typeof specText === 'string' ? parseTransportSpec(specText) : specText;
  const label = formatTransportSpec(spec);
  const tap = options.tap ?? new Tap({ name: options.name ?? label, ...options.history });
  switch (spec.kind) {
    case 'mock': {
      const own = !options.radio;
      // The virtual radio's modules only for a radio of its own: a process on h4:, hci:, usb: or serial: does not load them.
      const radio = options.radio ?? new (await import('../air/index.js')).Radio({ name: options.name ?? 'mock' });
      const link = new ControllerLink(radio.createController(options.controller), label);
      return new LinkTransport(spec, label, tap, link, own ? () => radio.close() : undefined, radio.now);
    }
    case 'h4-unix':
      return new LinkTransport(spec, label, tap, await StreamLink.connect({ path: spec.path }, label));
    case 'h4-tcp':
      return new LinkTransport(spec, label, tap, await StreamLink.connect({ host: spec.host, port: spec.port }, label));
    case 'hci': {
      const Native = loadNative(options.native?.kernel ?? loadKernelSocketClass, label, spec.devId);
      probeKernelAdapter(Native, spec.devId, label);
      return new KernelTransport(spec, label, tap, Native);
    }
    case 'hci-user': {
      const Native = loadNative(options.native?.kernel ?? loadKernelSocketClass, label, spec.devId);
      let socket: HciSocketApi;
      try {
        socket = new Native();
        socket.bindUser(spec.devId);
      } catch (err) {
        throw explainNativeError(err, label, spec.devId);
      }
      return new LinkTransport(spec, label, tap, new NativeUserLink(socket, label));
    }
    case 'usb': {
      const Native = loadNative(options.native?.usb ?? loadUsbSocketClass, label);
      let socket: HciSocketApi;
      try {
        socket = new Native();
        socket.bindUser(undefined, spec.vid === undefined ? undefined : { usb: { vid: spec.vid, pid: spec.pid } });
      } catch (err) {
        throw explainNativeError(err, label);
      }
      return new LinkTransport(spec, label, tap, new NativeUserLink(socket, label));
    }
    case 'serial': {
      const link = await SerialLink.open(spec, label, options.serial);
      // The open-time HCI Reset is on the timeline too: the host did not send it, but it went over the wire.
      tap.observe('tx', link.handshake.command);
      tap.observe('rx', link.handshake.complete);
      return new LinkTransport(spec, label, tap, link);
    }
    case 'os': {
      const platform = options.platform ?? process.platform;
      const stack = osStackFor(platform);
      if (!stack) {
        throw new TransportError(
          'UNSUPPORTED_ON_PLATFORM',
          platform === 'linux'
            ? 'os: on Linux the operating system stack is reached through the kernel: use --transport hci:N (raw socket beside bluetoothd) or hci-user:N (user channel)'
            : `os: noble and bleno have no platform stack for ${platform}`,
          label,
          { hint: 'run `blebench doctor` to see what this machine offers; --transport mock, h4:, serial: and usb work everywhere' },
        );
      }
      return new OsTransport(spec, label, tap, stack);
    }
  }
}

function loadNative(load: () => NativeSocketClass, label: string, devId?: number): NativeSocketClass {
  try {
    return load();
  } catch (err) {
    throw explainNativeError(err, label, devId);
  }
}

/** Fail early and by name (no kernel Bluetooth, no permission, no such adapter, adapter down). */
function probeKernelAdapter(Native: NativeSocketClass, devId: number, label: string): void {
  let probe: HciSocketApi | undefined;
  try {
    probe = new Native();
    const devices = probe.getDeviceList();
    if (Array.isArray(devices) && devices.length > 0 && !devices.some((d) => d.devId === devId)) {
      throw Object.assign(new Error(`No such device hci${devId}`), { code: 'ENODEV' });
    }
    probe.bindRaw(devId);
    if (!probe.isDevUp()) throw Object.assign(new Error('Network is down'), { code: 'ENETDOWN' });
  } catch (err) {
    throw explainNativeError(err, label, devId);
  } finally {
    try {
      probe?.stop();
    } catch {
      /* never started */
    }
  }
}
