/** A protocol code with its spec name and a one-line meaning in plain words. */
export interface CodeInfo {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

export type CodeTable = ReadonlyMap<number, CodeInfo>;

export function codeTable(rows: ReadonlyArray<readonly [number, string, string]>): CodeTable {
  return new Map(rows.map(([code, name, meaning]) => [code, Object.freeze({ code, name, meaning })]));
}

/** "0x05" style, two hex digits at least. */
export function hex(code: number, width = 2): string {
  return '0x' + code.toString(16).toUpperCase().padStart(width, '0');
}

/** Look a code up; unknown codes still get a readable name ("Unknown (0x7A)"). */
export function describeCode(table: CodeTable, code: number, unknownLabel = 'Unknown'): CodeInfo {
  return table.get(code) ?? { code, name: `${unknownLabel} (${hex(code)})`, meaning: 'a code this tool does not know' };
}
