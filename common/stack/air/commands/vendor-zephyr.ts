// Zephyr's vendor-specific commands (OGF 0x3F), as a Zephyr controller (hci_uart, hci_usb) answers
// them: zephyr include/zephyr/bluetooth/hci_vs.h, subsys/bluetooth/controller/hci/hci.c. Outside the
// Supported Commands mask (Vol 4 Part E 6.27 has no bits for vendor commands).
import { HCI_STATUS, VS_OP, VS_WRITE_BD_ADDR_LENGTH } from '../../../base/codes/hci.js';
import { addressFromWire } from '../bytes.js';
import type { VirtualController } from '../controller.js';
import { ok, type CommandSpec } from './types.js';

/** Why a Write BD_ADDR was refused, for the air's log ('public-address-refused' on the controller). */
export interface PublicAddressRefusal {
  address: string;
  status: number;
  reason: string;
}

/** What the controller is doing that forbids a new public address, or undefined when idle. */
function busyWith(c: VirtualController): string | undefined {
  if (c.state.adv.enabled) return 'advertising';
  if (c.state.scan.enabled) return 'scanning';
  if (c.state.initiating) return 'initiating a connection';
  if (c.links.size > 0) return 'connected';
  return undefined;
}

function refuse(c: VirtualController, address: string, status: number, reason: string): number {
  const refusal: PublicAddressRefusal = { address, status, reason };
  c.emit('public-address-refused', refusal);
  return status;
}

/**
 * Zephyr VS Write BD_ADDR: sets the public address (what Read BD_ADDR returns, what peers see).
 * It survives HCI Reset: Zephyr keeps pub_addr as a static in ll_sw/ll_addr.c and ll_reset()
 * (ll_sw/ull.c) never clears it. Zephyr's ll_addr_set() refuses while advertising or scanning
 * (0x0C), but vs_write_bd_addr() drops that status and always answers 0x00; the air answers the
 * refusal instead, and also refuses while initiating or connected (an address changing under a
 * link is what no peer expects), and an address another controller on this radio already has (0x12).
 */
function writeBdAddr(c: VirtualController, params: Buffer): Buffer | number {
  const address = addressFromWire(params);
  const busy = busyWith(c);
  if (busy) return refuse(c, address, HCI_STATUS.COMMAND_DISALLOWED, `the controller is ${busy}`);
  const holder = c.radio.holderOf(address, c);
  if (holder) return refuse(c, address, HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS, `another controller on radio ${c.radio.name} already has public address ${address}`);
  if (address !== c.address) c.setPublicAddress(address);
  return ok().build();
}

export const zephyrVendorCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  [VS_OP.ZEPHYR_WRITE_BD_ADDR, { length: VS_WRITE_BD_ADDR_LENGTH, answer: 'complete', run: ({ c, params }) => writeBdAddr(c, params) }],
];
