// Reading an input file (a profile, a scenario) as text, or saying exactly why it cannot be one: no
// such file, a directory, a symlink loop, a path under a regular file, unreadable, a binary file, or
// bytes that are not UTF-8 (the offset of the first bad one). JSON (RFC 8259 §8.1) and YAML 1.2 (§5.1,
// §5.2) are UTF-8 text; neither allows C0 controls other than tab, line feed and carriage return.
import { readFileSync, statSync } from 'node:fs';
import { hex } from '../codes/code-table.js';

/** Why a file cannot be read as text (undefined: it can). */
export type TextProblem = { what: string; offset?: number };

/** What a path is, in words, when it is not a readable regular file (undefined when it is one). */
export function notAFile(file: string): string | undefined {
  try {
    const st = statSync(file);
    if (st.isDirectory()) return 'it is a directory, not a file';
    if (!st.isFile()) return 'it is not a regular file (a device, socket or pipe)';
    return undefined;
  } catch (e) {
    return fileErrorWords(e);
  }
}

/** An fs error in words (the errno code kept for the curious). */
export function fileErrorWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'there is no such file (ENOENT)';
    case 'ELOOP':
      return 'it is a symlink loop (too many levels of symbolic links, ELOOP)';
    case 'ENOTDIR':
      return 'it is a path under a regular file (a part of it before the last is not a directory, ENOTDIR)';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return `it cannot be read: permission denied (${code})`;
    case 'ENAMETOOLONG':
      return 'it is too long a path (ENAMETOOLONG)';
    default:
      return `it cannot be read (${code ?? (e as Error).message})`;
  }
}

/** The first reason these bytes are not UTF-8 text, or undefined. */
export function textProblem(bytes: Buffer): TextProblem | undefined {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { what: `it is not text (a binary file?): a NUL byte at offset ${nul}`, offset: nul };
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) return { what: `it is not UTF-8 text: the byte ${hex(bytes[bad]!)} at offset ${bad} is not valid UTF-8`, offset: bad };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) {
      return { what: `it is not text: the control character ${hex(b)} at offset ${i} (JSON and YAML allow only tab, line feed and carriage return)`, offset: i };
    }
  }
  return undefined;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (Unicode 15, Table 3-7). */
export function firstInvalidUtf8(b: Buffer): number | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined) return i;
      // The sequence that starts at i is ill-formed: its first byte is the first bad one.
      if (k === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return i;
    }
    i += need + 1;
  }
  return undefined;
}

/** Line and column (1-based, in characters) of a byte offset. */
export function lineColumnOf(bytes: Buffer, offset: number): { line: number; column: number } {
  const before = bytes.subarray(0, offset);
  let line = 1;
  let start = 0;
  for (let i = 0; i < before.length; i++) if (before[i] === 0x0a) {
    line++;
    start = i + 1;
  }
  return { line, column: before.subarray(start).toString('utf8').length + 1 };
}

export type ReadText = { ok: true; text: string } | { ok: false; problem: string; line?: number; column?: number };

/** The file as text (a leading byte order mark dropped), or the problem in words. */
export function readInputText(file: string): ReadText {
  const not = notAFile(file);
  if (not) return { ok: false, problem: not };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { ok: false, problem: fileErrorWords(e) };
  }
  const p = textProblem(bytes);
  if (p) return { ok: false, problem: p.what, ...(p.offset !== undefined ? lineColumnOf(bytes, p.offset) : {}) };
  return { ok: true, text: bytes.toString('utf8').replace(/^\uFEFF/, '') };
}
