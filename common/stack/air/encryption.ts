// LE encryption start and key refresh between two controllers: the central's LE Enable Encryption
// reaches the peer host as LE Long Term Key Request; its reply decides Encryption Change (keys
// equal), Encryption Key Refresh Complete on an already encrypted link, status 0x06 PIN or Key
// Missing to the central alone (negative reply: LL_REJECT_EXT_IND, the link stays up), or the link
// dropped with 0x3D on both sides (an LTK Reply with another key: the LL_START_ENC exchange fails
// its MIC). Core v5.4 Vol 6 Part B 5.1.3.1 (encryption start), 5.1.4 (pause/refresh), Vol 4 Part E
// 7.8.24, 7.8.25, 7.8.26, 7.7.8, 7.7.39, 7.7.65.5.
import { HCI_STATUS, LE_EVT } from '../../base/codes/hci.js';
import { dropLink } from './connection.js';
import type { LinkEnd } from './link.js';
import { encryptionKeyRefreshComplete, leLongTermKeyRequest, sendEncryptionChange } from './events.js';

/** LE Enable Encryption from the central's host. Returns the Command Status. */
export function enableEncryption(central: LinkEnd, rand: Buffer, ediv: number, ltk: Buffer): number {
  const link = central.link;
  if (link.encryption) return HCI_STATUS.COMMAND_DISALLOWED; // one procedure at a time
  const peripheral = central.peer;
  const refresh = link.encrypted;
  const refused = central.controller.radio.faults.onEncryption(central.controller.address, peripheral.controller.address);
  const c = central.controller;
  if (refused !== undefined) {
    // the peripheral's LL rejects (LL_REJECT_EXT_IND): only the central's host hears of it
    c.afterCommand(() => sendEncryptionChange(c, refused, central.handle, link.encrypted));
    return HCI_STATUS.SUCCESS;
  }
  const p = peripheral.controller;
  if (!p.state.masks.allowsLe(LE_EVT.LONG_TERM_KEY_REQUEST)) {
    // masked LTK request: the peripheral's LL answers as if the key were missing (7.7.65.5)
    c.afterCommand(() => failToCentral(central));
    return HCI_STATUS.SUCCESS;
  }
  const timeoutMs = c.radio.encryptionTimeoutMs;
  link.encryption = {
    rand: Buffer.from(rand),
    ediv,
    ltk: Buffer.from(ltk),
    refresh,
    // LL response timeout: the peripheral's host never answered (Vol 6 Part B 5.2)
    cancelTimeout: c.radio.timers.after(timeoutMs, () => {
      link.encryption = undefined;
      dropLink(link, HCI_STATUS.LL_RESPONSE_TIMEOUT);
    }),
  };
  c.afterCommand(() => p.send(leLongTermKeyRequest(peripheral.handle, rand, ediv)));
  return HCI_STATUS.SUCCESS;
}

/** LE Long Term Key Request Reply from the peripheral's host. Returns the Command Complete status. */
export function longTermKeyReply(peripheral: LinkEnd, ltk: Buffer): number {
  const link = peripheral.link;
  const pending = link.encryption;
  if (!pending || peripheral !== link.peripheral) return HCI_STATUS.COMMAND_DISALLOWED;
  pending.cancelTimeout();
  link.encryption = undefined;
  const both = [link.central, peripheral];
  const c = peripheral.controller;
  c.afterCommand(() => {
    if (!link.open) return;
    if (!ltk.equals(pending.ltk)) {
      // Different keys: the first packets each LL encrypts (LL_START_ENC_REQ/RSP) fail the other's
      // MIC check; a MIC failure ends the connection at once, and each host hears 0x3D, no
      // Encryption Change (Vol 6 Part B 5.1.3.1; Vol 1 Part F 2.61). A refresh meets the same fate.
      dropLink(link, HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE);
      return;
    }
    link.encrypted = true;
    link.ltk = Buffer.from(ltk);
    for (const end of both) {
      if (pending.refresh) end.controller.send(encryptionKeyRefreshComplete(HCI_STATUS.SUCCESS, end.handle));
      else sendEncryptionChange(end.controller, HCI_STATUS.SUCCESS, end.handle, true);
    }
  });
  return HCI_STATUS.SUCCESS;
}

/** LE Long Term Key Request Negative Reply: only the central's host hears 0x06. */
export function longTermKeyNegativeReply(peripheral: LinkEnd): number {
  const link = peripheral.link;
  if (!link.encryption || peripheral !== link.peripheral) return HCI_STATUS.COMMAND_DISALLOWED;
  link.encryption.cancelTimeout();
  link.encryption = undefined;
  peripheral.controller.afterCommand(() => {
    if (link.open) failToCentral(link.central);
  });
  return HCI_STATUS.SUCCESS;
}

function failToCentral(central: LinkEnd): void {
  const link = central.link;
  link.encrypted = false;
  link.ltk = undefined;
  sendEncryptionChange(central.controller, HCI_STATUS.PIN_OR_KEY_MISSING, central.handle, false);
}
