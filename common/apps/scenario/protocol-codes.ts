// Error codes as scenarios write them: "ATT 0x05", "Insufficient Authentication", "SMP Pairing Not
// Supported", "HCI 0x3E", or a bare number where the place says which protocol it is.
// Tables: ATT Vol 3 Part F 3.4.1.1, SMP Pairing Failed Vol 3 Part H 3.5.5, HCI Vol 1 Part F 1.3.
import { ATT_ERROR_TABLE, attError } from '../../base/codes/att.js';
import { hex, type CodeInfo, type CodeTable } from '../../base/codes/code-table.js';
import { HCI_STATUS_TABLE, hciStatus } from '../../base/codes/hci.js';
import { SMP_REASON_TABLE, smpReason } from '../../base/codes/smp.js';
import { closest } from '../../base/input/did-you-mean.js';

export type CodeProtocol = 'att' | 'smp' | 'hci';

export interface ProtocolCode extends CodeInfo {
  readonly protocol: CodeProtocol;
}

/** Every code fits one octet: ATT Error Code, SMP Reason, HCI status. */
const OCTET_MAX = 0xff;

const PROTOCOLS: Record<CodeProtocol, { label: string; table: CodeTable; info: (code: number) => CodeInfo }> = {
  att: { label: 'ATT', table: ATT_ERROR_TABLE, info: attError },
  smp: { label: 'SMP', table: SMP_REASON_TABLE, info: smpReason },
  hci: { label: 'HCI', table: HCI_STATUS_TABLE, info: hciStatus },
};

export function protocolCode(protocol: CodeProtocol, code: number): ProtocolCode {
  return { protocol, ...PROTOCOLS[protocol].info(code) };
}

/** "ATT 0x05 Insufficient Authentication". */
export function showCode(c: ProtocolCode): string {
  return `${PROTOCOLS[c.protocol].label} ${hex(c.code)} ${c.name}`;
}

export type CodeParse = { ok: true; code: ProtocolCode } | { ok: false; problem: string };

const normalize = (s: string) => s.toLowerCase().replace(/[_\s-]+/g, ' ').trim();

/**
 * A code as written, where `allowed` lists the protocols this place accepts (the first is the one a
 * bare number means). Names compare without case, and with "_" or "-" as spaces.
 */
export function parseProtocolCode(input: string | number, allowed: readonly CodeProtocol[]): CodeParse {
  const labels = allowed.map((p) => PROTOCOLS[p].label).join(', ');
  if (typeof input === 'number') return numbered(allowed[0]!, input);
  const m = /^\s*(ATT|SMP|HCI)\b\s*(.*)$/i.exec(input);
  const named = m ? (m[1]!.toLowerCase() as CodeProtocol) : undefined;
  if (named && !allowed.includes(named)) return { ok: false, problem: `"${input}": a ${m![1]!.toUpperCase()} code does not fit here; this place takes ${labels} codes` };
  const rest = (m ? m[2]! : input).trim();
  const protocols = named ? [named] : allowed;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(rest)) return numbered(protocols[0]!, Number(rest), input);
  const both = /^(0x[0-9a-f]+|\d+)\s+(.+)$/i.exec(rest);
  if (both) {
    // "ATT 0x05 Insufficient Authentication": the number decides; the name must agree with it.
    const r = numbered(protocols[0]!, Number(both[1]), input);
    if (r.ok && normalize(r.code.name) !== normalize(both[2]!)) return { ok: false, problem: `"${input}": ${showCode(r.code)} is not called "${both[2]}"; write the number or the name alone, or both as the spec has them` };
    return r;
  }
  const hits = protocols.flatMap((p) => [...PROTOCOLS[p].table.values()].filter((c) => normalize(c.name) === normalize(rest)).map((c) => protocolCode(p, c.code)));
  if (hits.length === 1) return { ok: true, code: hits[0]! };
  if (hits.length > 1) return { ok: false, problem: `"${input}" names ${hits.map(showCode).join(' and ')}; say which: "${PROTOCOLS[hits[0]!.protocol].label} ${rest}"` };
  const names = protocols.flatMap((p) => [...PROTOCOLS[p].table.values()].map((c) => c.name));
  const near = closest(rest, names);
  return {
    ok: false,
    problem: `"${input}" is not a known ${protocols.map((p) => PROTOCOLS[p].label).join(' or ')} code name${near ? ` (did you mean "${near}"?)` : ''}; write a name from the spec or a number like "${PROTOCOLS[protocols[0]!].label} 0x05"`,
  };
}

function numbered(protocol: CodeProtocol, n: number, written: string | number = n): CodeParse {
  if (!Number.isInteger(n) || n < 0 || n > OCTET_MAX) return { ok: false, problem: `${JSON.stringify(written)} is not a code: codes are one octet, 0x00 to 0xFF` };
  return { ok: true, code: protocolCode(protocol, n) };
}
