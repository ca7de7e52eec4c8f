// The sequence model as Mermaid text (a `sequenceDiagram`), to paste into a GitHub issue or pull request.
// Each stretch of one security state is a shaded `rect` with a note saying it. Labels come from peers and
// files (names, values): every character outside a small safe set is written as Mermaid's entity code
// (`#59;` for `;`), so no label can end its line, open a block, start a comment or carry markup.
import { escapeField } from '../../base/output/escape.js';
import { LANES, LANE_TITLES, securityWords, type ArrowKind, type LaneId, type LinkSecurityLevel, type SequenceModel } from './sequence.js';

/** Mermaid participant ids: short, fixed. */
const IDS: Record<LaneId, string> = { 'central-host': 'CH', 'central-controller': 'CC', 'peripheral-controller': 'PC', 'peripheral-host': 'PH' };

/** Band colours (light, so arrows stay readable): grey none, red clear text, blue encrypted, green authenticated. */
export const SECURITY_COLOURS: Record<LinkSecurityLevel, string> = {
  'no link': 'rgb(240, 240, 240)',
  unencrypted: 'rgb(255, 228, 225)',
  encrypted: 'rgb(222, 235, 255)',
  authenticated: 'rgb(220, 245, 220)',
};

/** Mermaid's sequence arrows: solid for what a side starts, dotted for answers, a cross for errors. */
const ARROWS: Record<ArrowKind, string> = {
  'att-request': '->>',
  'att-response': '-->>',
  'att-error': '-x',
  'att-notify': '-)',
  smp: '->>',
  'smp-failed': '-x',
  'hci-event': '-->>',
  'hci-command': '->>',
};

/** Longest label drawn; the rest is cut with an ellipsis (the decoded fields are in the JSON and HTML reports). */
export const MERMAID_LABEL_MAX = 100;

const SAFE = /[A-Za-z0-9 .,:()\-_/=+*'?!@[\]]/;

/** Text as Mermaid reads it literally: controls shown as escapes (`\\n`, `\\u202e`), unsafe characters as `#code;` entities. */
export function mermaidText(raw: string): string {
  const text = escapeField(raw);
  const cut = [...text].length > MERMAID_LABEL_MAX ? [...text].slice(0, MERMAID_LABEL_MAX - 1).join('') + '…' : text;
  let out = '';
  for (const ch of cut) out += SAFE.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out.trim() || '#160;';
}

export interface MermaidOptions {
  /** A title line (`title ...`); escaped like every label. */
  readonly title?: string;
}

export function renderMermaid(model: SequenceModel, options: MermaidOptions = {}): string {
  const lines = ['sequenceDiagram'];
  if (options.title !== undefined) lines.push(`  title ${mermaidText(options.title)}`);
  for (const lane of LANES) lines.push(`  participant ${IDS[lane]} as ${LANE_TITLES[lane]}`);
  const first = IDS[LANES[0]];
  const last = IDS[LANES[LANES.length - 1]!];
  for (const span of model.spans) {
    lines.push(`  rect ${SECURITY_COLOURS[span.state.level]}`);
    lines.push(`    Note over ${first},${last}: ${mermaidText(securityWords(span.state))}`);
    for (const a of model.arrows.slice(span.from, span.to)) lines.push(`    ${IDS[a.from]}${ARROWS[a.kind]}${IDS[a.to]}: ${mermaidText(a.label)}`);
    lines.push('  end');
  }
  return lines.join('\n') + '\n';
}
