// Setting a controller's public address before a host stack is attached: the Zephyr vendor command
// Write BD_ADDR (zephyr include/zephyr/bluetooth/hci_vs.h; Linux does the same in
// drivers/bluetooth/virtio_bt.c virtbt_set_bdaddr_zephyr), read back with Read BD_ADDR (Core v5.4
// Vol 4 Part E 7.4.6). The commands go through a seam socket of the transport, so the tap records
// them and their answers (timeline, btsnoop) like anything a host sends.
import { BlebenchError } from '../../base/errors/blebench-error.js';
import { EVT, H4, HCI_STATUS, hciStatus, opcodeName, OP, VS_OP } from '../../base/codes/hci.js';
import { addressToBuffer, addressToString, hciCommand } from './hci-packets.js';
import type { HciTransport } from './transport.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 3000;
/** What a controller with no public address programmed reports (Zephyr hci_uart on an nRF52840 dongle). */
export const NO_PUBLIC_ADDRESS = '00:00:00:00:00:00';

export type ControllerCommandErrorCode =
  | 'NO_COMMAND_COMPLETE' // no Command Complete within the time limit
  | 'NO_ZEPHYR_VENDOR_COMMANDS' // 0x01 Unknown HCI Command to a Zephyr vendor command
  | 'COMMAND_REFUSED' // another non-zero status
  | 'ADDRESS_NOT_TAKEN' // Write BD_ADDR said 0x00 but Read BD_ADDR still gives another address
  | 'TRANSPORT_CLOSED'; // the controller went away while we waited

/** A command sent before the stack was attached failed: the controller is not usable as asked (exit 3). */
export class ControllerCommandError extends BlebenchError {
  constructor(
    readonly code: ControllerCommandErrorCode,
    message: string,
    readonly status?: number,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CommandAnswer {
  status: number;
  /** Return parameters after Status. */
  returns: Buffer;
}

/**
 * Send one HCI command over the transport (no stack attached yet) and resolve with its Command
 * Complete; a Command Status answer counts as the outcome too. Rejects with a ControllerCommandError
 * on timeout or when the transport closes.
 */
export function sendCommandAwaitComplete(transport: HciTransport, op: number, params: Buffer = Buffer.alloc(0), timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<CommandAnswer> {
  const name = opcodeName(op);
  return new Promise<CommandAnswer>((resolve, reject) => {
    const socket = transport.createSocket();
    const finish = (f: () => void) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      transport.removeListener('close', onClose);
      socket.stop();
      f();
    };
    const onData = (p: Buffer) => {
      if (p[0] !== H4.EVENT) return;
      if (p[1] === EVT.COMMAND_COMPLETE && p.length >= 7 && p.readUInt16LE(4) === op) finish(() => resolve({ status: p[6]!, returns: Buffer.from(p.subarray(7)) }));
      else if (p[1] === EVT.COMMAND_STATUS && p.length >= 7 && p.readUInt16LE(5) === op) finish(() => resolve({ status: p[3]!, returns: Buffer.alloc(0) }));
    };
    const onClose = () => finish(() => reject(new ControllerCommandError('TRANSPORT_CLOSED', `${transport.label}: the controller went away while waiting for the answer to ${name}`)));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new ControllerCommandError('NO_COMMAND_COMPLETE', `${transport.label}: no Command Complete for ${name} within ${timeoutMs} ms`, undefined, {
              hint: 'power-cycle the controller and try again; check that it speaks HCI over this transport',
            }),
          ),
        ),
      timeoutMs,
    );
    socket.on('data', onData);
    transport.once('close', onClose);
    socket.bindRaw();
    socket.start();
    socket.write(hciCommand(op, params));
  });
}

/** Read BD_ADDR (7.4.6): the controller's public address as 'AA:BB:CC:DD:EE:FF'. */
export async function readPublicAddress(transport: HciTransport, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<string> {
  const a = await sendCommandAwaitComplete(transport, OP.READ_BD_ADDR, Buffer.alloc(0), timeoutMs);
  if (a.status !== HCI_STATUS.SUCCESS || a.returns.length < 6) {
    throw new ControllerCommandError('COMMAND_REFUSED', `${transport.label}: Read BD_ADDR failed (status 0x${hex(a.status)} ${hciStatus(a.status).name})`, a.status);
  }
  return addressToString(a.returns.subarray(0, 6));
}

/**
 * Give the controller this public address with Zephyr's Write BD_ADDR, then read it back (Zephyr's
 * controller answers 0x00 even when ll_addr_set() refused, e.g. while advertising).
 */
export async function writePublicAddress(transport: HciTransport, address: string, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<void> {
  const wanted = address.toUpperCase();
  const a = await sendCommandAwaitComplete(transport, VS_OP.ZEPHYR_WRITE_BD_ADDR, addressToBuffer(wanted), timeoutMs);
  if (a.status === HCI_STATUS.UNKNOWN_HCI_COMMAND) {
    throw new ControllerCommandError(
      'NO_ZEPHYR_VENDOR_COMMANDS',
      `${transport.label}: the controller does not know Zephyr's Write BD_ADDR (0x${hex(VS_OP.ZEPHYR_WRITE_BD_ADDR, 4)} answered 0x01 Unknown HCI Command): it has no Zephyr vendor commands, so --address cannot set its public address`,
      a.status,
      {
        hint: "drop --address, or flash a Zephyr hci_uart/hci_usb build with CONFIG_BT_HCI_VS_EXT=y (the default), or set the address the vendor's way (on Linux: btmgmt public-addr, or the vendor's tool) before running blebench",
      },
    );
  }
  if (a.status !== HCI_STATUS.SUCCESS) {
    const why = hciStatus(a.status);
    throw new ControllerCommandError(
      'COMMAND_REFUSED',
      `${transport.label}: the controller refused public address ${wanted} (0x${hex(a.status)} ${why.name}: ${why.meaning})`,
      a.status,
      {
        hint:
          a.status === HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS
            ? 'on blebench air another controller already has this address (its log says which): pick another address, or end the program using it'
            : 'run again with the controller idle (nothing else advertising, scanning or connected through it)',
      },
    );
  }
  const now = await readPublicAddress(transport, timeoutMs);
  if (now !== wanted) {
    throw new ControllerCommandError('ADDRESS_NOT_TAKEN', `${transport.label}: the controller accepted public address ${wanted} but Read BD_ADDR still says ${now}`, undefined, {
      hint: 'reset or power-cycle the controller so it is idle, then try again',
    });
  }
}

function hex(v: number, width = 2): string {
  return v.toString(16).toUpperCase().padStart(width, '0');
}

/**
 * After the transport opened and before the stack loads: give the controller `address` (Zephyr
 * Write BD_ADDR), or, on a serial: controller with none given, warn once when it has no public
 * address programmed (00:00:00:00:00:00), naming --address.
 */
export async function prepareControllerAddress(transport: HciTransport, address: string | undefined, warn: (line: string) => void, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<void> {
  if (address !== undefined) return writePublicAddress(transport, address, timeoutMs);
  if (transport.spec.kind !== 'serial') return;
  if ((await readPublicAddress(transport, timeoutMs)) === NO_PUBLIC_ADDRESS) {
    warn(
      `blebench: warning: ${transport.label} has no public address (Read BD_ADDR gives ${NO_PUBLIC_ADDRESS}): peers see it as is and bonds with it cannot work; give it one with --address AA:BB:CC:DD:EE:FF (Zephyr controllers)`,
    );
  }
}
