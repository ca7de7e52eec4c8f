// explain's output: the story of each connection in words, then the findings; or the same as JSON.
// Every string from the file (notes, names) is escaped before it reaches a terminal.
import { personaFor, personaView } from './persona-view.js';
import { loadPersona } from '../persona/load-persona.js';
import type { Persona } from '../persona/persona-types.js';
import { hciStatus } from '../../base/codes/hci.js';
import { damageText } from '../../stack/capture/open-capture.js';
import type { ConnectionFacts } from './facts.js';
import type { ExplainResult } from './explain-capture.js';
import { PATTERNS, type Platform } from './patterns.js';
import { hex } from '../../base/codes/code-table.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Control and bidi characters shown visibly (\x1b, \u202e) so text from a file cannot drive the terminal. */
export function visible(s: string): string {
  return s.replace(CONTROL, (ch) => {
    const c = ch.charCodeAt(0);
    return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}

export interface RenderOptions {
  central?: Platform;
}

const iso = (ms: number) => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString().replace('Z', '') + String(Math.round((ms % 1) * 1000)).padStart(3, '0') + 'Z' : `${ms.toFixed(3)} ms`);

/** How the connection ended, in one line. */
export function outcome(c: ConnectionFacts): string {
  const p = c.pairings.at(-1);
  const sec = c.encrypted || c.encryptions.some((x) => x.result?.status === 0)
    ? `encrypted${p?.encrypted ? ` after ${p.method ?? ''} pairing`.replace('  ', ' ') : ' with a stored key'}`
    : p?.failed
      ? `pairing failed (${hex(p.failed.reason)})`
      : c.encryptions.some((x) => x.result && x.result.status !== 0)
        ? 'encryption failed'
        : 'never encrypted';
  const end = c.disconnect
    ? `disconnected${c.disconnect.by ? ` by the ${c.disconnect.by}` : ''} (${hex(c.disconnect.reason)} ${hciStatus(c.disconnect.reason).name})`
    : 'still connected when the capture ends';
  return `${sec}; ${end}`;
}

/** One persona per platform recognised (its first matching variant), when no platform was given. */
function recognisedPersonas(r: ExplainResult): Persona[] {
  const seen = new Set<string>();
  const out: Persona[] = [];
  for (const spec of r.recognised?.personas ?? []) {
    const name = spec.split(':')[0]!;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(loadPersona(spec));
  }
  return out;
}

export function renderText(r: ExplainResult, o: RenderOptions = {}): string {
  const out: string[] = [];
  out.push(`capture: ${visible(r.file)} — ${r.info.variant}${r.info.gzip ? ', gzip' : ''}, ${r.records} records`);
  if (r.damage) out.push(`damaged: reading stopped at ${visible(damageText(r.damage))}; what came before is explained`);
  if (r.controllers.length > 1) out.push(`controllers: ${r.controllers.join(', ')} (one timeline each)`);
  if (o.central) out.push(`central platform (as given): ${o.central}`);
  else if (r.recognised) out.push(`central platform (recognised): ${r.recognised.words}`);
  if (r.noteCount) {
    out.push(`notes in the capture: ${r.noteCount}${r.noteCount > r.notes.length ? ` (first ${r.notes.length} shown)` : ''}`);
    for (const n of r.notes) out.push(`  frame ${n.frame}  ${visible(n.source)}: ${visible(n.text)}`);
  }
  if (r.encryptedLlPackets) out.push(`${r.encryptedLlPackets} link-layer packets are encrypted: their payload cannot be read without the key`);
  if (!r.connections.length) out.push('no connection in this capture');
  for (const c of r.connections) {
    out.push('');
    const who = c.hostRole ? `this capture's host is the ${c.hostRole}` : 'seen on the air';
    out.push(`connection ${c.number}: ${r.controllers.length > 1 ? `controller ${c.controller}, ` : ''}${c.hostRole ? `handle ${hex(c.handle, 4)}` : `access address ${hex(c.handle, 8)}`}; central ${visible(c.centralAddress ?? 'unknown')}, peripheral ${visible(c.peripheralAddress ?? 'unknown')}; ${who}`);
    for (const l of c.lines) out.push(`  frame ${String(l.frame).padStart(5)}  +${((l.unixMs - c.connected.unixMs) / 1000).toFixed(3)} s  ${visible(l.text)}`);
    if (c.linesDropped) out.push(`  … ${c.linesDropped} more lines not shown`);
    out.push(`  how it ended: ${outcome(c)}`);
  }
  out.push('');
  if (!r.findings.length) {
    out.push('findings: none — nothing in this capture shows a known security problem');
    return out.join('\n') + '\n';
  }
  out.push(`findings (${r.findings.length}):`);
  // The platform given, else the ones recognised from the Pairing Request (each speaks for itself).
  const personas = o.central ? [personaFor(o.central)].filter((p) => p !== undefined) : recognisedPersonas(r);
  for (const f of r.findings) {
    const p = PATTERNS[f.id];
    out.push(`- ${f.id}: ${p.title}${f.connection !== undefined ? ` (connection ${f.connection})` : ''}`);
    out.push(`    evidence: ${f.evidence.map((e) => `frame ${e.frame} at ${iso(e.unixMs)} (${visible(e.what)})`).join('; ')}`);
    out.push(`    what happened: ${visible(f.because)}`);
    out.push(`    cause: ${p.cause}`);
    out.push(`    central: ${p.central}`);
    out.push(`    peripheral: ${p.peripheral}`);
    const platforms = o.central ? [...p.platforms.filter((x) => x.platform === o.central), ...p.platforms.filter((x) => x.platform !== o.central)] : p.platforms;
    for (const k of platforms) out.push(`    known on ${k.platform}${k.platform === o.central ? ' (your central)' : ''}: ${k.behaviour} [${k.source}]`);
    for (const persona of personas) {
      const view = personaView(f.id, persona, !o.central);
      if (view) out.push(`    ${view}`);
    }
  }
  return out.join('\n') + '\n';
}

export function renderExplainJson(r: ExplainResult, o: RenderOptions = {}): string {
  const connections = r.connections.map((c) => ({
    number: c.number,
    controller: c.controller,
    handle: c.handle,
    hostRole: c.hostRole ?? null,
    central: c.centralAddress ?? null,
    peripheral: c.peripheralAddress ?? null,
    story: c.lines,
    linesDropped: c.linesDropped,
    outcome: outcome(c),
    pairings: c.pairings,
    encryptions: c.encryptions,
    attErrors: c.attErrors,
    disconnect: c.disconnect ?? null,
  }));
  const findings = r.findings.map((f) => {
    const p = PATTERNS[f.id];
    return { id: f.id, title: p.title, connection: f.connection ?? null, evidence: f.evidence, because: f.because, cause: p.cause, central: p.central, peripheral: p.peripheral, platforms: p.platforms };
  });
  return JSON.stringify(
    { file: r.file, format: r.info, records: r.records, damage: r.damage ?? null, controllers: r.controllers, centralPlatform: o.central ?? null, centralRecognised: r.recognised ?? null, notes: r.notes, noteCount: r.noteCount, connections, findings, clean: findings.length === 0 },
    null,
    2,
  ) + '\n';
}
