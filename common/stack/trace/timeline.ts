// The timeline's vocabulary: one entry per decoded packet or PDU, in the order the tap saw them.
// Summaries are made on first read (a getter), so the hot path never builds strings nobody reads.

/** tx: host → controller; rx: controller → host. */
export type Direction = 'tx' | 'rx';

export type Layer =
  | 'hci-cmd'
  | 'hci-evt'
  | 'hci-acl'
  | 'l2cap'
  | 'att'
  | 'smp'
  | 'l2cap-sig'
  | 'hci-sco'
  | 'hci-iso'
  | 'malformed';

export interface TimelineEntry {
  /** 0-based, in arrival order; one number per entry (several entries can come from one packet). */
  seq: number;
  /** Milliseconds since the tap started (float, µs resolution). */
  ms: number;
  dir: Direction;
  layer: Layer;
  /** 'HCI LE Set Scan Enable', 'HCI Command Complete (LE Set Scan Enable)', 'ATT Error Response', 'SMP Pairing Request'. */
  name: string;
  /** Connection handle where there is one. */
  handle?: number;
  /** Decoded fields; the shape depends on layer and name (see the *Fields interfaces). */
  fields: Record<string, unknown>;
  /** One line for humans. On TraceEntry a lazy getter: spread ({...e}) leaves it out; use e.summary or toJSON(). */
  summary: string;
  /**
   * The H4 packet for HCI entries; the reassembled L2CAP payload (no basic header) for att/smp/l2cap-sig/l2cap;
   * for malformed entries, the bytes that did not parse (packet, PDU, or the ACL data of a stray fragment).
   * A view, not a copy: the tap never copies packets, so callers must not modify a buffer after observe().
   */
  raw: Buffer;
}

/** Fields of a `malformed` entry: what it tried to be, and what is wrong. */
export interface MalformedFields {
  /** The layer the bytes were meant to be. */
  expected: Exclude<Layer, 'malformed'>;
  /** What is wrong, in words: "truncated: attributeHandle needs 2 octets at offset 1, 0 left". */
  problem: string;
  /** The opcode / event code / command code when it could be read. */
  code?: number;
  /** The L2CAP channel for upper-layer PDUs. */
  cid?: number;
}

/** Detail text for the summary, after "name: ". Empty string: the name alone says it all. */
export type Summarizer<F> = (fields: F) => string;

/** What a decoder hands back for one packet or PDU; the tap stamps seq/ms/dir on it. */
export interface Decoded<F extends object = Record<string, unknown>> {
  layer: Layer;
  name: string;
  handle?: number;
  fields: F;
  raw: Buffer;
  /** Method syntax on purpose: a Decoded<SpecificFields> is usable where a Decoded<object> is expected. */
  summarize(fields: F): string;
}

export function decoded<F extends object>(
  layer: Layer,
  name: string,
  fields: F,
  raw: Buffer,
  summarize: Summarizer<F>,
  handle?: number,
): Decoded<F> {
  return handle === undefined ? { layer, name, fields, raw, summarize } : { layer, name, fields, raw, summarize, handle };
}

/**
 * Empties a scratch array that is filled again for the next packet. `a.length = 0` hands a fast array's backing
 * store back (V8 trims it), so the next push allocates a new one: once per packet, per array, on the tap's hot
 * path. Popping keeps the store.
 */
export function emptyScratch(a: unknown[]): void {
  while (a.length > 0) a.pop();
}

const malformedSummary: Summarizer<MalformedFields> = (f) => f.problem;

export function malformed(
  expected: MalformedFields['expected'],
  what: string,
  problem: string,
  raw: Buffer,
  extra?: { code?: number; cid?: number; handle?: number },
): Decoded<MalformedFields> {
  const fields: MalformedFields = { expected, problem };
  if (extra?.code !== undefined) fields.code = extra.code;
  if (extra?.cid !== undefined) fields.cid = extra.cid;
  return decoded('malformed', `Malformed ${what}`, fields, raw, malformedSummary, extra?.handle);
}

/** A timeline entry whose summary is built on first read. */
export class TraceEntry implements TimelineEntry {
  readonly seq: number;
  readonly ms: number;
  readonly dir: Direction;
  readonly layer: Layer;
  readonly name: string;
  readonly handle?: number;
  readonly fields: Record<string, unknown>;
  readonly raw: Buffer;
  #summarize: Summarizer<never> | undefined;
  #summary: string | undefined;

  constructor(seq: number, ms: number, dir: Direction, d: Decoded<object>) {
    this.seq = seq;
    this.ms = ms;
    this.dir = dir;
    this.layer = d.layer;
    this.name = d.name;
    if (d.handle !== undefined) this.handle = d.handle;
    this.fields = d.fields as Record<string, unknown>;
    this.raw = d.raw;
    this.#summarize = d.summarize as Summarizer<never>;
  }

  get summary(): string {
    if (this.#summary === undefined) {
      let detail = '';
      try {
        detail = this.#summarize ? (this.#summarize as Summarizer<object>)(this.fields) : '';
      } catch (e) {
        detail = `(summary failed: ${(e as Error).message})`;
      }
      this.#summary = detail ? `${this.name}: ${detail}` : this.name;
      this.#summarize = undefined;
    }
    return this.#summary;
  }

  /** Plain data for logs and JSON reporters: buffers become hex strings. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { seq: this.seq, ms: this.ms, dir: this.dir, layer: this.layer, name: this.name };
    if (this.handle !== undefined) out.handle = this.handle;
    out.fields = jsonSafe(this.fields);
    out.summary = this.summary;
    out.raw = this.raw.toString('hex');
    return out;
  }
}

function jsonSafe(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = jsonSafe(x);
    return o;
  }
  return v;
}
