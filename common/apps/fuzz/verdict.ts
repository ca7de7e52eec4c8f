// What a fuzz run found: counts, and one minimal finding per crash or hang (the case that did it,
// its bytes, what happened, the tail of the target's stderr). Printed as words or as JSON.
import { caseHex, type FuzzCase, type FuzzProtocol, type FuzzRole } from './fuzz-case.js';

export type FindingKind = 'crash' | 'hang';

export interface FuzzFinding {
  kind: FindingKind;
  role: FuzzRole;
  /** Which target configuration ("peripheral", "peripheral --io-capability ..."). */
  target: string;
  seed: number;
  index: number;
  protocol: FuzzProtocol;
  name: string;
  hex: string;
  /** What happened, in words: "exited with code 1", "no answer to the probe within 3000 ms". */
  what: string;
  /** Whether the case alone did it again after a restart (false: only after the cases before it). */
  reproducedAlone: boolean;
  stderrTail: string;
}

export interface TargetCounts {
  target: string;
  role: FuzzRole;
  cases: number;
  crashes: number;
  hangs: number;
  /** Links the target (or the radio) dropped; the rogue connected again. Not a failure by itself. */
  linksLost: number;
  restarts: number;
}

export interface FuzzVerdict {
  seed: number;
  cases: number;
  crashes: number;
  hangs: number;
  targets: TargetCounts[];
  findings: FuzzFinding[];
  elapsedMs: number;
}

export function findingOf(kind: FindingKind, c: FuzzCase, o: { role: FuzzRole; target: string; seed: number; what: string; reproducedAlone: boolean; stderrTail: string }): FuzzFinding {
  return { kind, role: o.role, target: o.target, seed: o.seed, index: c.index, protocol: c.protocol, name: c.name, hex: caseHex(c), what: o.what, reproducedAlone: o.reproducedAlone, stderrTail: o.stderrTail };
}

export function combine(seed: number, targets: TargetCounts[], findings: FuzzFinding[], elapsedMs: number): FuzzVerdict {
  const sum = (k: 'cases' | 'crashes' | 'hangs') => targets.reduce((s, t) => s + t[k], 0);
  return { seed, cases: sum('cases'), crashes: sum('crashes'), hangs: sum('hangs'), targets, findings, elapsedMs };
}

/** The last line of every run: `20000 cases, 0 crashes, 0 hangs`. */
export function countLine(v: Pick<FuzzVerdict, 'cases' | 'crashes' | 'hangs'>): string {
  const n = (x: number, one: string, many: string) => `${x} ${x === 1 ? one : many}`;
  return `${n(v.cases, 'case', 'cases')}, ${n(v.crashes, 'crash', 'crashes')}, ${n(v.hangs, 'hang', 'hangs')}`;
}

/** Where the stack trace starts (the error line and its first frames), else the last lines. */
function stderrExcerpt(stderr: string): string[] {
  const lines = stderr.trim().split('\n');
  const frame = lines.findIndex((l) => /^\s+at .+:\d+:\d+\)?$/.test(l));
  return frame > 0 ? lines.slice(frame - 1, frame + 5) : lines.slice(-6);
}

export function findingText(f: FuzzFinding): string {
  const tail = stderrExcerpt(f.stderrTail).map((l) => `      ${l}`).join('\n');
  return [
    `  ${f.kind.toUpperCase()} ${f.target}: case ${f.index} (seed ${f.seed}), ${f.protocol}: ${f.name}`,
    `    bytes: ${f.hex}`,
    `    what: ${f.what}${f.reproducedAlone ? '' : ' (after the cases before it; not alone)'}`,
    ...(tail ? ['    stderr:', tail] : []),
  ].join('\n');
}

export function verdictText(v: FuzzVerdict): string {
  const lines: string[] = [];
  for (const t of v.targets) lines.push(`${t.target}: ${countLine(t)} (${t.linksLost} links lost and reconnected, ${t.restarts} restarts)`);
  if (v.findings.length) {
    lines.push('findings:');
    for (const f of v.findings) lines.push(findingText(f));
  }
  lines.push(countLine(v));
  return lines.join('\n');
}
