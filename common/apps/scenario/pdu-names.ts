// The names scenarios give PDUs and HCI packets are the tap's timeline names ("ATT Read Request",
// "SMP Pairing Random", "HCI Encryption Change"), built here from the same code tables the decoders use,
// with the L2CAP channel and first payload octet that the virtual radio's fault rules match on.
// ATT opcodes Vol 3 Part F 3.4.8; SMP codes Vol 3 Part H 3.3; LE signaling Vol 3 Part A 4; HCI Vol 4 Part E 7.
import { ATT_OPCODE_TABLE } from '../../base/codes/att.js';
import { EVT, LE_EVT, OP, eventName, leEventName, opcodeName } from '../../base/codes/hci.js';
import { L2CAP_CID, L2CAP_SIG_TABLE, LE_SIGNALING_CODES } from '../../base/codes/l2cap.js';
import { SMP_CODE_TABLE } from '../../base/codes/smp.js';
import { closest } from '../../base/input/did-you-mean.js';
import type { Layer } from '../../stack/trace/timeline.js';

export interface PduName {
  /** The timeline name ("SMP Pairing Request"); also matches names that continue with " (…)". */
  readonly name: string;
  readonly layer: Extract<Layer, 'att' | 'smp' | 'l2cap-sig' | 'hci-cmd' | 'hci-evt'>;
  /** For PDUs carried over the air as ACL data: the L2CAP channel and the opcode (first payload octet). */
  readonly air?: { readonly cid: number; readonly opcode: number };
  /** For HCI commands: the opcode (what the virtual radio's `refuse-command` fault matches on). */
  readonly command?: { readonly opcode: number };
}

function build(): Map<string, PduName> {
  const out = new Map<string, PduName>();
  const add = (p: PduName) => out.set(p.name.toLowerCase(), p);
  for (const c of ATT_OPCODE_TABLE.values()) add({ name: `ATT ${c.name}`, layer: 'att', air: { cid: L2CAP_CID.ATT, opcode: c.code } });
  for (const c of SMP_CODE_TABLE.values()) add({ name: `SMP ${c.name}`, layer: 'smp', air: { cid: L2CAP_CID.SMP, opcode: c.code } });
  for (const c of L2CAP_SIG_TABLE.values()) {
    if (LE_SIGNALING_CODES.has(c.code)) add({ name: `L2CAP ${c.name}`, layer: 'l2cap-sig', air: { cid: L2CAP_CID.LE_SIGNALING, opcode: c.code } });
  }
  for (const op of Object.values(OP)) add({ name: `HCI ${opcodeName(op)}`, layer: 'hci-cmd', command: { opcode: op } });
  for (const code of Object.values(EVT)) {
    // LE Meta events are named by subevent; Command Complete/Status entries add "(command)".
    if (code === EVT.LE_META || code === EVT.VENDOR) continue;
    add({ name: `HCI ${eventName(code)}`, layer: 'hci-evt' });
  }
  for (const sub of Object.values(LE_EVT)) add({ name: `HCI ${leEventName(sub)}`, layer: 'hci-evt' });
  return out;
}

let registry: Map<string, PduName> | undefined;
const known = () => (registry ??= build());

const PREFIXES = ['ATT ', 'SMP ', 'L2CAP ', 'HCI '];

export type PduParse = { ok: true; pdu: PduName } | { ok: false; problem: string };

/** "SMP Pairing Request", or without the protocol when that is unambiguous ("Pairing Request"). */
export function parsePduName(written: string): PduParse {
  const key = written.trim().replace(/\s+/g, ' ').toLowerCase();
  const exact = known().get(key);
  if (exact) return { ok: true, pdu: exact };
  const prefixed = PREFIXES.map((p) => known().get(p.toLowerCase() + key)).filter((p): p is PduName => p !== undefined);
  if (prefixed.length === 1) return { ok: true, pdu: prefixed[0]! };
  if (prefixed.length > 1) return { ok: false, problem: `"${written}" could be ${prefixed.map((p) => `"${p.name}"`).join(' or ')}; write the protocol too` };
  const names = [...known().values()].map((p) => p.name);
  const near = closest(written, names) ?? closest(written, names.map((n) => n.slice(n.indexOf(' ') + 1)));
  return {
    ok: false,
    problem: `"${written}" is not a PDU or HCI packet the tap knows${near ? ` (did you mean "${near}"?)` : ''}; names are as on the timeline: "ATT Read Request", "SMP Pairing Random", "HCI Encryption Change"`,
  };
}

/** Does a timeline entry name (e.g. "HCI Command Complete (Reset)") fall under this PDU name? */
export function nameMatches(pdu: PduName, entryName: string): boolean {
  return entryName === pdu.name || (entryName.startsWith(pdu.name) && entryName.charAt(pdu.name.length) === ' ' && entryName.charAt(pdu.name.length + 1) === '(');
}
