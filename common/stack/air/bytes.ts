// Byte helpers for HCI parameters: little-endian writer, BD_ADDR text <-> wire order.
// Core v5.4 Vol 4 Part E 5.2 (little-endian parameters), 7.4.6 (BD_ADDR, 6 octets, LSO first).
import { formatAddressOctets } from '../../base/output/format.js';

export const BD_ADDR_LENGTH = 6;
const ADDRESS_TEXT = /^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/;

export function isAddressText(text: string): boolean {
  return ADDRESS_TEXT.test(text);
}

/** 'AA:BB:CC:DD:EE:FF' -> 6 octets as HCI carries them (least significant first). */
export function addressToWire(text: string): Buffer {
  if (!isAddressText(text)) throw new TypeError(`not a Bluetooth address: ${JSON.stringify(text)} (expected AA:BB:CC:DD:EE:FF)`);
  return Buffer.from(text.split(':').reverse().join(''), 'hex');
}

/** 6 octets in HCI order -> 'AA:BB:CC:DD:EE:FF'. */
export function addressFromWire(buf: Buffer, offset = 0): string {
  return formatAddressOctets(buf, offset);
}

/** Little-endian parameter builder. */
export class ParamWriter {
  private readonly bytes: number[] = [];

  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  i8(v: number): this {
    return this.u8(v < 0 ? v + 0x100 : v);
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u24(v: number): this {
    return this.u16(v).u8(v >>> 16);
  }
  bytesOf(buf: Buffer | Uint8Array): this {
    for (const b of buf) this.bytes.push(b);
    return this;
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.bytes.push(0);
    return this;
  }
  build(): Buffer {
    return Buffer.from(this.bytes);
  }
}

export const params = (): ParamWriter => new ParamWriter();
