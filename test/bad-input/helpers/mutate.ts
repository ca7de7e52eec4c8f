// Broken input files made from valid ones, one rule at a time: every mutation knows the JSON Pointer
// path it broke (the message must name it, or a path right above or below it) or the line it broke
// (syntax errors must name it).
import { stringify as toYaml } from 'yaml';

export type Doc = Record<string, unknown>;
export type Format = 'json' | 'yaml';

export interface DocCase {
  /** "unknown key at /services/0", for the test's title. */
  rule: string;
  text: string | Buffer;
  format: Format;
  /** The path the message must name (or an ancestor/descendant of it). */
  path?: string;
  /** The line a syntax error must be reported on. */
  line?: number;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every node of a JSON value with its pointer, parents before children. */
export function nodes(v: unknown, at = ''): Array<{ path: string; value: unknown }> {
  const out = [{ path: at, value: v }];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...nodes(x, `${at}/${i}`)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...nodes(x, `${at}/${esc(k)}`));
  return out;
}

function setAt(doc: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(doc);
  const segs = path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = copy as Record<string, unknown>;
  for (const s of segs.slice(0, -1)) node = node[s] as Record<string, unknown>;
  node[segs.at(-1)!] = value;
  return copy;
}

const keyOf = (path: string) => path.split('/').at(-1)!;
export const serialize = (doc: unknown, format: Format) => (format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : toYaml(doc));

/** The wrong-type stand-in for a value: a boolean for text (some fields take text or a number), text for numbers, booleans, lists and objects. */
function wrongType(v: unknown): unknown {
  if (typeof v === 'string') return false;
  if (typeof v === 'number') return 'forty-two';
  if (typeof v === 'boolean') return 'yes please';
  if (Array.isArray(v)) return 'not a list';
  return 'not an object';
}

export interface SchemaRules {
  /** Keys whose values are UUIDs (and lists of them). */
  uuidKeys: readonly string[];
  /** Keys whose values are words from a fixed vocabulary, with misspellings to try. */
  words: Record<string, readonly unknown[]>;
  /** Keys that are free text or accept any JSON (a wrong type there may be fine). */
  anyType: readonly string[];
  /** Objects whose keys are names chosen by the user (an extra key there is not unknown). */
  openObjects: readonly string[];
  /** Objects whose contents are free values (matched at run time, not validated): left alone. */
  freeBelow?: readonly string[];
}

/** Mutations of a document that keep it parseable: unknown keys, wrong types, bad UUIDs, bad words. */
export function schemaCases(doc: Doc, format: Format, rules: SchemaRules): DocCase[] {
  const out: DocCase[] = [];
  for (const { path, value } of nodes(doc)) {
    const key = keyOf(path);
    if ((rules.freeBelow ?? []).some((f) => path.includes(`/${f}/`))) continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && !rules.openObjects.includes(key)) {
      const p = `${path}/bogusSetting`;
      out.push({ rule: `unknown key at ${path || '/'}`, text: serialize(setAt(doc, p, true), format), format, path: p });
    }
    if (path === '' || rules.anyType.includes(key) || /^\d+$/.test(key) || key === '$schema') continue;
    out.push({ rule: `wrong type at ${path}`, text: serialize(setAt(doc, path, wrongType(value)), format), format, path });
    if (rules.uuidKeys.includes(key)) {
      const targets = Array.isArray(value) ? value.map((_, i) => `${path}/${i}`) : [path];
      for (const t of targets) for (const bad of ['not-a-uuid', 'b1eb1000-7e57-4b3e-9c1d-2f5e0b1c7a9', '0x1234g']) out.push({ rule: `bad UUID ${JSON.stringify(bad)} at ${t}`, text: serialize(setAt(doc, t, bad), format), format, path: t });
    }
    for (const bad of rules.words[key] ?? []) out.push({ rule: `bad ${key} ${JSON.stringify(bad)} at ${path}`, text: serialize(setAt(doc, path, bad), format), format, path });
  }
  return out;
}

/** Copy item `from` of the list at `list` over item `to`'s `field`: a duplicate, reported at `to`. */
export function duplicateCase(doc: Doc, format: Format, list: string, field: string, from: number, to: number): DocCase {
  const items = nodes(doc).find((n) => n.path === list)!.value as Array<Record<string, unknown>>;
  const p = `${list}/${to}/${field}`;
  return { rule: `duplicate ${field} at ${p}`, text: serialize(setAt(doc, p, items[from]![field]), format), format, path: p };
}

/** Where JSON structure sits outside strings: offsets just after `{`, `[`, `,` and `:`. */
function structuralOffsets(text: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ('{[,:'.includes(c)) out.push(i + 1);
  }
  return out;
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** JSON made invalid at `count` places spread over the text: a stray character, a dropped comma, a cut. */
export function jsonSyntaxCases(text: string, count: number): DocCase[] {
  const out: DocCase[] = [];
  const spots = structuralOffsets(text);
  const pick = (n: number) => Array.from({ length: n }, (_, i) => spots[Math.floor(((i + 0.5) * spots.length) / n)]!);
  for (const at of pick(count)) {
    out.push({ rule: `stray "@" on line ${lineAt(text, at)}`, text: `${text.slice(0, at)} @${text.slice(at)}`, format: 'json', line: lineAt(text, at) });
  }
  const commas = spots.filter((o) => text[o - 1] === ',');
  for (const at of commas.filter((_, i) => i % Math.max(1, Math.floor(commas.length / count)) === 0).slice(0, count)) {
    // the parser notices at the next token, which may be on the next line
    out.push({ rule: `missing comma on line ${lineAt(text, at)}`, text: `${text.slice(0, at - 1)}${text.slice(at)}`, format: 'json' });
  }
  for (let i = 1; i <= count; i++) {
    const at = Math.floor((text.length * i) / (count + 1));
    out.push({ rule: `cut after ${at} of ${text.length} characters`, text: text.slice(0, at), format: 'json' });
  }
  return out;
}

/** YAML made invalid at `count` lines: an unclosed flow list, an unclosed quote, a tab-indented key, a bad indent. */
export function yamlSyntaxCases(text: string, count: number): DocCase[] {
  const lines = text.split('\n');
  const keyLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w$-][\w$ -]*:/.test(l) && !l.trimStart().startsWith('- ')).map(([, i]) => i);
  const out: DocCase[] = [];
  const pick = Array.from({ length: count }, (_, i) => keyLines[Math.floor(((i + 0.5) * keyLines.length) / count)]!);
  const edit = (i: number, f: (l: string) => string) => lines.map((l, j) => (j === i ? f(l) : l)).join('\n');
  for (const [n, i] of pick.entries()) {
    const kinds: Array<[string, (l: string) => string]> = [
      ['unclosed flow list', (l) => `${l.replace(/:.*$/, ':')} [a, b`],
      ['unclosed quote', (l) => `${l.replace(/:.*$/, ':')} "no end`],
      ['tab indentation', (l) => `\t${l}`],
      ['mapping in a plain scalar', (l) => `${l.replace(/:.*$/, ':')} a: b: c`],
    ];
    const [what, f] = kinds[n % kinds.length]!;
    out.push({ rule: `${what} on line ${i + 1}`, text: edit(i, f), format: 'yaml' });
  }
  return out;
}

/** Files that are not documents at all. */
export function notADocumentCases(format: Format): DocCase[] {
  const garbage = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 167 + 13) % 256));
  const cases: DocCase[] = [
    { rule: 'empty file', text: '', format },
    { rule: 'only whitespace', text: '  \n\n\t\n', format },
    { rule: 'binary garbage', text: garbage, format },
    { rule: 'a list, not an object', text: format === 'json' ? '[1, 2, 3]\n' : '- 1\n- 2\n', format, path: '' },
    { rule: 'a number, not an object', text: '42\n', format, path: '' },
    { rule: 'null', text: 'null\n', format, path: '' },
  ];
  if (format === 'json') cases.push({ rule: 'a UTF-16 file', text: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"name": "x"}', 'utf16le')]), format });
  return cases;
}
