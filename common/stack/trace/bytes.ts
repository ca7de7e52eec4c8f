// Reading little-endian protocol fields with a named complaint when bytes run out, and formatting
// them for humans. Bluetooth multi-octet fields are little-endian (Core v5.4 Vol 4 Part E 5.2,
// Vol 3 Part A 3, Part F 3.3, Part H 3.3).

/** Thrown by ByteReader when a PDU is shorter or longer than its format; decoders turn it into a malformed entry. */
export class DecodeProblem extends Error {}

/** The words for a malformed entry: the DecodeProblem's message, or a plain note for a decoder bug. */
export function problemOf(e: unknown): string {
  if (e instanceof DecodeProblem) return e.message;
  return `decoder error: ${e instanceof Error ? e.message : String(e)}`;
}

export class ByteReader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  need(n: number, what: string): void {
    if (this.end - this.offset < n) {
      throw new DecodeProblem(`truncated: ${what} needs ${n} octet${n === 1 ? '' : 's'} at offset ${this.offset}, ${Math.max(0, this.end - this.offset)} left`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.offset++]!;
  }

  i8(what: string): number {
    this.need(1, what);
    return this.buf.readInt8(this.offset++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  u24(what: string): number {
    this.need(3, what);
    const v = this.buf.readUIntLE(this.offset, 3);
    this.offset += 3;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A view (no copy) of the next n octets. */
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** Hex of the next n octets, in wire order. */
  hex(n: number, what: string): string {
    return this.bytes(n, what).toString('hex');
  }

  /** A 6-octet device address, shown most significant octet first: 'AA:BB:CC:DD:EE:FF'. */
  address(what: string): string {
    return addressString(this.bytes(6, what));
  }

  /** Everything left (a view). */
  rest(): Buffer {
    const v = this.buf.subarray(this.offset, this.end);
    this.offset = this.end;
    return v;
  }

  /** The format ends here: trailing octets are a problem. */
  done(what: string): void {
    const left = this.end - this.offset;
    if (left > 0) throw new DecodeProblem(`${left} unexpected trailing octet${left === 1 ? '' : 's'} after ${what}`);
  }
}

/** Address octets as carried (little-endian) → 'AA:BB:CC:DD:EE:FF'. */
export function addressString(le: Buffer): string {
  let s = '';
  for (let i = le.length - 1; i >= 0; i--) {
    s += HEX2[le[i]!];
    if (i) s += ':';
  }
  return s;
}

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

/** 16-bit UUIDs as '0x2902'; 32-bit as '0x0000FEED'; 128-bit in the canonical 8-4-4-4-12 form. Input little-endian. */
export function uuidString(le: Buffer): string {
  if (le.length === 2) return '0x' + HEX2[le[1]!]! + HEX2[le[0]!]!;
  if (le.length === 4) return '0x' + HEX2[le[3]!]! + HEX2[le[2]!]! + HEX2[le[1]!]! + HEX2[le[0]!]!;
  if (le.length !== 16) return le.toString('hex');
  const h = Buffer.from(le).reverse().toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Short hex preview for summaries: 'a1b2c3…(244 bytes)'. */
export function preview(buf: Buffer, max = 16): string {
  if (buf.length === 0) return '(empty)';
  if (buf.length <= max) return buf.toString('hex');
  return `${buf.subarray(0, max).toString('hex')}… (${buf.length} bytes)`;
}

