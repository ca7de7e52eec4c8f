// Failures to reach a controller, named, with what to do about each (exit code 3).
import { BlebenchError } from '../../base/errors/blebench-error.js';

export type TransportErrorCode =
  | 'NO_KERNEL_BLUETOOTH' // EAFNOSUPPORT
  | 'PERMISSION_DENIED' // EPERM / EACCES
  | 'ADAPTER_BUSY' // EBUSY
  | 'NO_SUCH_DEVICE' // ENODEV
  | 'ADAPTER_DOWN' // ENETDOWN
  | 'NO_USB_DONGLE'
  | 'NATIVE_MODULE_MISSING'
  | 'CONNECT_FAILED' // h4: stream could not be opened
  | 'LE_UNSUPPORTED' // the controller's HCI version is below 4.0 (no LE)
  | 'NOT_HCI_CONTROLLER' // serial: the port is silent or out of sync (not H4, or the wrong baud)
  | 'NOT_A_SERIAL_PORT' // serial: the path is no terminal (ENOTTY: a regular file, /dev/null)
  | 'TRANSPORT_CLOSED' // the controller went away under a running program
  | 'UNSUPPORTED_ON_PLATFORM';

export class TransportError extends BlebenchError {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    readonly transport: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
  }
}

const MOCK_HINT = 'use --transport mock (the built-in virtual radio), or an h4: controller such as `blebench air`';

/** Turn what @abandonware/bluetooth-hci-socket threw into a named error that says what to do. */
export function explainNativeError(err: unknown, transport: string, devId?: number): TransportError {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code;
  const dev = devId === undefined ? 'the adapter' : `hci${devId}`;
  switch (code) {
    case 'EAFNOSUPPORT':
      return new TransportError(
        'NO_KERNEL_BLUETOOTH',
        `${transport}: this kernel has no Bluetooth support (EAFNOSUPPORT: the AF_BLUETOOTH socket family is missing)`,
        transport,
        { cause: err, hint: `${MOCK_HINT}; on a machine with an adapter, load the bluetooth kernel module` },
      );
    case 'EPERM':
    case 'EACCES':
      return new TransportError(
        'PERMISSION_DENIED',
        `${transport}: not allowed to open ${dev} (${code}): raw HCI sockets need CAP_NET_RAW and CAP_NET_ADMIN`,
        transport,
        {
          cause: err,
          hint: 'run as root, or once: sudo setcap cap_net_raw,cap_net_admin+eip "$(readlink -f "$(which node)")"',
        },
      );
    case 'EBUSY':
      return new TransportError(
        'ADAPTER_BUSY',
        `${transport}: ${dev} is busy (EBUSY): bluetoothd or another program holds it`,
        transport,
        {
          cause: err,
          hint: `stop bluetoothd (sudo systemctl stop bluetooth) and bring the adapter down (sudo hciconfig ${dev} down) for the user channel, or use hci:${devId ?? 0} (raw) beside bluetoothd`,
        },
      );
    case 'ENODEV':
    case 'ENXIO':
      return new TransportError('NO_SUCH_DEVICE', `${transport}: there is no ${dev} on this machine (${code})`, transport, {
        cause: err,
        hint: 'list adapters with `blebench doctor` or `hciconfig -a`, then pick hci:N with an existing N',
      });
    case 'ENETDOWN':
      return new TransportError('ADAPTER_DOWN', `${transport}: ${dev} is down (ENETDOWN)`, transport, {
        cause: err,
        hint: `bring it up: sudo hciconfig ${dev} up (or: sudo btmgmt --index ${devId ?? 0} power on)`,
      });
    case 'MODULE_NOT_FOUND':
    case 'ERR_DLOPEN_FAILED':
      return new TransportError(
        'NATIVE_MODULE_MISSING',
        `${transport}: the native module @abandonware/bluetooth-hci-socket is not built for this machine`,
        transport,
        { cause: err, hint: `run npm ci (it builds the module; needs python3, make and g++), or ${MOCK_HINT}` },
      );
    default: {
      const msg = e?.message ?? String(err);
      if (/No compatible USB Bluetooth/i.test(msg) || /LIBUSB_ERROR_NOT_FOUND|LIBUSB_ERROR_NO_DEVICE/.test(msg)) {
        return new TransportError('NO_USB_DONGLE', `${transport}: no usable USB Bluetooth dongle found (${msg})`, transport, {
          cause: err,
          hint: 'plug in a supported dongle, give it to the user (udev rule or root), or name it with usb:VID:PID',
        });
      }
      return new TransportError('CONNECT_FAILED', `${transport}: the controller could not be opened: ${msg}`, transport, {
        cause: err,
        hint: MOCK_HINT,
      });
    }
  }
}

/**
 * What serialport threw on open, named. @serialport/bindings-cpp reports errno as text, not as a code
 * ("Error: No such file or directory, cannot open PATH", "Error Resource temporarily unavailable Cannot
 * lock port"); Windows says "Opening COM3: File not found" and, when another program has the port open
 * (COM ports are exclusive there), "Opening COM3: Access denied".
 */
export function explainSerialError(err: unknown, transport: string, path: string): TransportError {
  const e = err as NodeJS.ErrnoException | undefined;
  const msg = e?.message ?? String(err);
  const has = (code: string, re: RegExp) => e?.code === code || re.test(msg);
  if (has('ENOENT', /No such file or directory|File not found|cannot find the file/i)) {
    return new TransportError('NO_SUCH_DEVICE', `${transport}: there is no serial port ${path} (ENOENT)`, transport, {
      cause: err,
      hint: 'plug the controller in, then find its port with `blebench doctor` (Linux: /dev/ttyACM*, /dev/ttyUSB*; macOS: /dev/cu.usbmodem*; Windows: COMn)',
    });
  }
  // A path that is no terminal (a regular file, /dev/null): the baud rate ioctl fails with ENOTTY.
  if (has('ENOTTY', /Inappropriate ioctl for device/i)) {
    return new TransportError('NOT_A_SERIAL_PORT', `${transport}: ${path} is not a serial port (ENOTTY: it takes no baud rate or line settings)`, transport, {
      cause: err,
      hint: 'give the UART of an H4 controller (Linux: /dev/ttyACM*, /dev/ttyUSB*; macOS: /dev/cu.usbmodem*; Windows: COMn); `blebench doctor` lists the ports it finds',
    });
  }
  const windowsBusy = /^Opening .*: Access denied/.test(msg);
  if (!windowsBusy && (has('EACCES', /Permission denied/i) || e?.code === 'EPERM')) {
    return new TransportError('PERMISSION_DENIED', `${transport}: not allowed to open ${path} (EACCES)`, transport, {
      cause: err,
      hint: 'add yourself to the group that owns the port, then log in again: sudo usermod -aG dialout "$USER" (Arch: uucp); `ls -l PATH` shows the group',
    });
  }
  if (windowsBusy || has('EBUSY', /Cannot lock port|Resource temporarily unavailable|Device or resource busy/i)) {
    return new TransportError('ADAPTER_BUSY', `${transport}: ${path} is busy (EBUSY): another program holds it`, transport, {
      cause: err,
      hint: `close the other program (a serial monitor, ModemManager, btattach/hciattach, another blebench); Linux: fuser -v ${path} names it`,
    });
  }
  return new TransportError('CONNECT_FAILED', `${transport}: the serial port could not be opened: ${msg}`, transport, { cause: err, hint: MOCK_HINT });
}
