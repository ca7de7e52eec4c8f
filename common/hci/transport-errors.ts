// Failures to reach a controller, named, with what to do about each (exit code 3).
import { BlebenchError, EXIT } from '../errors/blebench-error.js';

export type TransportErrorCode =
  | 'NO_KERNEL_BLUETOOTH' // EAFNOSUPPORT
  | 'PERMISSION_DENIED' // EPERM / EACCES
  | 'ADAPTER_BUSY' // EBUSY
  | 'NO_SUCH_DEVICE' // ENODEV
  | 'ADAPTER_DOWN' // ENETDOWN
  | 'NO_USB_DONGLE'
  | 'NATIVE_MODULE_MISSING'
  | 'CONNECT_FAILED' // h4: stream could not be opened
  | 'TRANSPORT_CLOSED' // the controller went away under a running program
  | 'UNSUPPORTED_ON_PLATFORM';

export class TransportError extends BlebenchError {
  readonly exitCode = EXIT.TRANSPORT_UNAVAILABLE;
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
