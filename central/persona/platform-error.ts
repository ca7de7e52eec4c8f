// The error a platform's app gets, in that platform's words, from the persona's rules: an ATT error as
// CoreBluetooth names it (CBATTError, from central/os/corebluetooth-att-errors.ts, the one table of
// CoreBluetooth's texts), as a status number (Android's GATT status, WinRT's GattProtocolError) or as an
// exception name; and a platform error (CBError 14, GATT status 137) as the persona file gives it.
import { COREBLUETOOTH_ATT_TEXT } from '../os/corebluetooth-att-errors.js';
import type { AttErrorDelivery, PersonaAttError, PlatformError } from '../../common/apps/persona/persona-types.js';
import { PERSONA_ATT_ERRORS } from '../../common/apps/persona/persona-types.js';
import { hex } from '../../common/base/codes/code-table.js';


/** The persona file's key for an ATT code ("0x0F"), when the persona has rules for it. */
export function personaKeyOf(code: number): PersonaAttError | undefined {
  return PERSONA_ATT_ERRORS.find((k) => Number.parseInt(k, 16) === code);
}

/** CoreBluetooth's localizedDescription of a CBATTError ("Authentication is insufficient."), from the shared table. */
export function coreBluetoothText(code: number): string | undefined {
  for (const [text, c] of COREBLUETOOTH_ATT_TEXT) if (c === code) return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  return undefined;
}

/** `CBATTError 5 "Authentication is insufficient."`, `GATT status 5 (GATT_INSUF_AUTHENTICATION)`, … */
export function attErrorWords(delivery: AttErrorDelivery, code: number): string {
  const key = personaKeyOf(code);
  const own = key ? delivery.texts?.[key] : undefined;
  switch (delivery.style) {
    case 'corebluetooth': {
      const text = coreBluetoothText(code);
      return text ? `CBATTError ${code} "${text}"` : `CBATTError ${code}`;
    }
    case 'status':
      return `${delivery.name ?? 'status'} ${code}${own ? ` (${own})` : ` (ATT ${hex(code)})`}`;
    case 'exception':
      return own ?? `${delivery.name ?? 'an error'} (ATT ${hex(code)})`;
  }
}

/** `CBError 14 "Peer removed pairing information"`. */
export function platformErrorWords(e: PlatformError): string {
  return `${e.name}${e.code !== undefined ? ` ${e.code}` : ''}${e.text ? ` "${e.text}"` : ''}`;
}
