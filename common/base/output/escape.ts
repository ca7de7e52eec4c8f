// Text from a peer (device names, advertising data, values) or from a file (names, file contents
// quoted in errors) is escaped before it reaches a terminal: one function, applied at the printers.
// C0 controls (ESC starts CSI/OSC sequences, BEL ends OSC), DEL, C1 controls (0x9B is an 8-bit CSI)
// and the bidirectional overrides/isolates (Unicode TR9: they reorder what a reader sees, "Trojan
// Source") are shown as visible escapes instead: ESC → \x1b, U+009B → \u009b, U+202E → \u202e.

/** C0 (but tab and newline), DEL, C1, and the bidi controls: LRM/RLM, ALM, LRE..RLO, LRI..PDI. */
const UNSAFE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x0a) return '\\n';
  if (c === 0x09) return '\\t';
  if (c === 0x0d) return '\\r';
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** A whole block for a terminal (tables, messages, reports): lines and tabs kept, every other control shown. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, visible);
}

/** One field (a name, a value): newlines and tabs shown too, so it cannot forge a line of its own. */
export function escapeField(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, visible);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 but leaves DEL, C1 and the bidi controls raw; these
 * become \uXXXX escapes, which JSON reads back as the same characters.
 */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(/[\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
