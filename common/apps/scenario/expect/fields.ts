// Does an entry's decoded fields hold what a scenario expects? Names are the tap's field names; a string
// also matches the field's "…Name" twin (ioCapability: NoInputNoOutput ↔ ioCapabilityName), a number
// written as text ("0x05") matches the number, hex text matches a buffer, and objects match partly.

export interface FieldMismatch {
  readonly field: string;
  readonly expected: unknown;
  /** What the entry has, as the user wrote it (the twin's name when the user wrote a name); undefined: no such field. */
  readonly actual: unknown;
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

function asNumber(s: string): number | undefined {
  return /^(0x[0-9a-f]+|-?\d+)$/i.test(s.trim()) ? Number(s.trim()) : undefined;
}

function same(actual: unknown, twin: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    return actual !== null && typeof actual === 'object' && fieldMismatches(actual as Record<string, unknown>, expected as Record<string, unknown>).length === 0;
  }
  if (Array.isArray(expected)) return JSON.stringify(actual) === JSON.stringify(expected);
  if (typeof expected === 'string') {
    if (typeof actual === 'string' && norm(actual) === norm(expected)) return true;
    if (typeof twin === 'string' && norm(twin) === norm(expected)) return true;
    if (typeof actual === 'number') return asNumber(expected) === actual;
    if (Buffer.isBuffer(actual)) return actual.toString('hex') === expected.replace(/^0x/i, '').replace(/[\s:_-]/g, '').toLowerCase();
    return false;
  }
  return actual === expected;
}

/** Every expected field the entry's fields do not hold (empty: a match). */
export function fieldMismatches(fields: Readonly<Record<string, unknown>>, expected: Readonly<Record<string, unknown>>): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  for (const [k, want] of Object.entries(expected)) {
    const actual = fields[k];
    const twin = fields[`${k}Name`];
    if (same(actual, twin, want)) continue;
    out.push({ field: k, expected: want, actual: typeof want === 'string' && twin !== undefined ? twin : actual });
  }
  return out;
}
