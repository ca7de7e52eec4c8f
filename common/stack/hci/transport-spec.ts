// Transport specs: the one string that says what is below the HCI seam (design.md, "One seam").
import { BadInputError } from '../../base/errors/blebench-error.js';

export type TransportSpec =
  | { kind: 'mock' }
  | { kind: 'h4-unix'; path: string }
  | { kind: 'h4-tcp'; host: string; port: number }
  | { kind: 'hci'; devId: number }
  | { kind: 'hci-user'; devId: number }
  | { kind: 'usb'; vid?: number; pid?: number }
  /** A UART speaking H4; `rtscts` is hardware flow control (Zephyr's hci_uart default: on). */
  | { kind: 'serial'; path: string; baud: number; rtscts: boolean }
  | { kind: 'os' };

export const TRANSPORT_SPEC_FORMS = [
  'mock',
  'h4:unix:PATH',
  'h4:tcp:HOST:PORT',
  'hci:N',
  'hci-user:N',
  'usb[:VID:PID]',
  'serial:PATH[@BAUD][,rtscts|,noflow]',
  'os',
] as const;

/** Zephyr's hci_uart defaults: 1 Mbit/s, 8N1, RTS/CTS flow control on. */
export const DEFAULT_SERIAL_BAUD = 1_000_000;
export const DEFAULT_SERIAL_RTSCTS = true;
/** What may follow `serial:PATH[@BAUD]`, each after a comma. */
export const SERIAL_OPTIONS = { rtscts: true, noflow: false } as const;

function bad(spec: string, why: string): BadInputError {
  return new BadInputError('TRANSPORT_SPEC', `--transport ${JSON.stringify(spec)}: ${why}`, { path: '--transport' }, {
    hint: `use one of: ${TRANSPORT_SPEC_FORMS.join(', ')}`,
  });
}

function devIndex(spec: string, text: string): number {
  if (!/^\d{1,3}$/.test(text)) throw bad(spec, `"${text}" is not an HCI device number (hci0 is 0)`);
  return Number(text);
}

function usbId(spec: string, text: string, what: string): number {
  const m = /^(?:0x)?([0-9a-fA-F]{1,4})$/.exec(text);
  if (!m) throw bad(spec, `"${text}" is not a USB ${what} (four hex digits, e.g. 0a12)`);
  return parseInt(m[1]!, 16);
}

export function parseTransportSpec(spec: string): TransportSpec {
  const s = spec.trim();
  if (s === 'mock') return { kind: 'mock' };
  if (s === 'os') return { kind: 'os' };
  if (s.startsWith('h4:unix:')) {
    const path = s.slice('h4:unix:'.length);
    if (!path) throw bad(spec, 'the Unix socket path is missing');
    return { kind: 'h4-unix', path };
  }
  if (s.startsWith('h4:tcp:')) {
    const rest = s.slice('h4:tcp:'.length);
    const i = rest.lastIndexOf(':');
    if (i <= 0) throw bad(spec, 'expected h4:tcp:HOST:PORT');
    const host = rest.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    const portText = rest.slice(i + 1);
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad(spec, `"${portText}" is not a TCP port (1-65535)`);
    return { kind: 'h4-tcp', host, port };
  }
  if (s.startsWith('hci-user:')) return { kind: 'hci-user', devId: devIndex(spec, s.slice('hci-user:'.length)) };
  if (s.startsWith('hci:')) return { kind: 'hci', devId: devIndex(spec, s.slice('hci:'.length)) };
  if (/^hci\d+$/.test(s)) return { kind: 'hci', devId: devIndex(spec, s.slice(3)) };
  if (s === 'usb') return { kind: 'usb' };
  if (s.startsWith('usb:')) {
    const parts = s.slice(4).split(':');
    if (parts.length !== 2) throw bad(spec, 'expected usb or usb:VID:PID (hex)');
    return { kind: 'usb', vid: usbId(spec, parts[0]!, 'vendor id'), pid: usbId(spec, parts[1]!, 'product id') };
  }
  if (s.startsWith('serial:')) return parseSerial(spec, s.slice('serial:'.length));
  throw bad(spec, 'unknown transport');
}

/** serial:PATH[@BAUD][,rtscts|,noflow]: the options are the trailing comma-separated words. */
function parseSerial(spec: string, rest: string): TransportSpec {
  let rtscts: boolean = DEFAULT_SERIAL_RTSCTS;
  let body = rest;
  for (let m = /,([A-Za-z]+)$/.exec(body); m; m = /,([A-Za-z]+)$/.exec(body)) {
    const word = m[1]!.toLowerCase();
    if (!(word in SERIAL_OPTIONS)) throw bad(spec, `"${m[1]}" is not a serial option (use ,rtscts for RTS/CTS flow control or ,noflow for none)`);
    rtscts = SERIAL_OPTIONS[word as keyof typeof SERIAL_OPTIONS];
    body = body.slice(0, m.index);
  }
  const at = body.lastIndexOf('@');
  const path = at >= 0 ? body.slice(0, at) : body;
  const baudText = at >= 0 ? body.slice(at + 1) : String(DEFAULT_SERIAL_BAUD);
  if (!path) throw bad(spec, 'the serial device path is missing (serial:/dev/ttyACM0, serial:COM3)');
  if (!/^\d+$/.test(baudText) || Number(baudText) < 1200 || Number(baudText) > 16_000_000) throw bad(spec, `"${baudText}" is not a baud rate (e.g. 115200, 1000000)`);
  return { kind: 'serial', path, baud: Number(baudText), rtscts };
}

export function formatTransportSpec(t: TransportSpec): string {
  switch (t.kind) {
    case 'mock':
    case 'os':
      return t.kind;
    case 'h4-unix':
      return `h4:unix:${t.path}`;
    case 'h4-tcp':
      return `h4:tcp:${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
    case 'hci':
      return `hci:${t.devId}`;
    case 'hci-user':
      return `hci-user:${t.devId}`;
    case 'usb':
      return t.vid === undefined ? 'usb' : `usb:${hex4(t.vid)}:${hex4(t.pid ?? 0)}`;
    case 'serial':
      return `serial:${t.path}@${t.baud}${t.rtscts === DEFAULT_SERIAL_RTSCTS ? '' : t.rtscts ? ',rtscts' : ',noflow'}`;
  }
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Whether a kernel stands between the host and the controller (it then answers LE LTK Requests itself). */
export function kernelInBetween(t: TransportSpec): boolean {
  return t.kind === 'hci';
}
