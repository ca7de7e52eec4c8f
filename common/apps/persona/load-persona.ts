// Personas from files: a path (YAML or JSON), or a bare name looked up in fixtures/personas/
// (`--as ios`). `NAME:VARIANT` picks a named variant wherever a rule offers one (what nobody knows,
// e.g. what macOS answers to a Pairing Request). Every problem is one PersonaError (exit 2) naming the
// file and the place in it; an unknown name is exit 2 naming the built-in ones.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInputError } from '../../base/errors/blebench-error.js';
import { withPosition } from '../../base/input/issues.js';
import { notAFile, readInputText } from '../../base/input/read-input.js';
import { schemaChecker } from '../../base/input/schema-check.js';
import { parseSourceText } from '../../base/input/source-text.js';
import { checkUnknownRules } from './persona-checks.js';
import { PersonaError, PersonaIssueList } from './persona-issues.js';
import { PERSONA_SCHEMA } from './persona-schema.js';
import type { Persona } from './persona-types.js';

const EXTENSIONS = ['.yaml', '.yml', '.json'];
const checkSchema = schemaChecker('persona', PERSONA_SCHEMA);

/** The built-in personas `--as` knows (the issue's list, in its order). */
export const BUILT_IN_PERSONAS = ['ios', 'macos', 'android', 'windows', 'bluez', 'spec', 'noble'] as const;

/** The project's fixtures/personas, found upward from this module (from the sources and from dist/). */
export function defaultPersonasDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'fixtures', 'personas');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('blebench cannot find its fixtures/personas directory');
    dir = up;
  }
}

/** Names a bare `--as NAME` accepts. */
export function listPersonas(dir = defaultPersonasDir()): string[] {
  return readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)))
    .map((f) => path.basename(f, path.extname(f)))
    .sort();
}

export interface PersonaLoadOptions {
  /** Where file names are shown from (the working directory). */
  readonly cwd?: string;
  /** Where a relative path is read from (a scenario's folder, as its profile path); default: cwd. */
  readonly from?: string;
  readonly personasDir?: string;
}

/** `ios`, `macos:refuses-pairing`, `./my-phone.yaml`, `./my-phone.yaml:variant`. */
export function loadPersona(spec: string, options: PersonaLoadOptions = {}): Persona {
  const cwd = options.cwd ?? process.cwd();
  const from = options.from ?? cwd;
  const { base, variant } = splitVariant(spec, from);
  const file = findPersonaFile(base, from, cwd, options.personasDir);
  const shown = displayFile(file, cwd);
  const read = readInputText(file);
  if (!read.ok) {
    const at = read.line !== undefined ? ` (line ${read.line}, column ${read.column})` : '';
    throw new BadInputError('PERSONA_UNREADABLE', `${shown}${at}: cannot use it as a persona: ${read.problem}`, { file: shown }, { hint: 'A persona is a YAML (or JSON) text file in UTF-8 (fixtures/personas/README.md).' });
  }
  const parsed = parseSourceText(read.text, path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
  if (!parsed.ok) throw new PersonaError('PERSONA_SYNTAX', shown, parsed.issues);
  const { source } = parsed;
  const issues = new PersonaIssueList();
  for (const i of source.issues) issues.add(i.kind, i.path, i.message);
  if (checkSchema(source.data, issues)) {
    checkUnknownRules(source.data, issues);
    const doc = source.data as Omit<Persona, 'source'>;
    const stem = path.basename(file, path.extname(file));
    if (!doc.central && !doc.peripheral) issues.add('missing-property', '', 'a persona needs a "central" part, a "peripheral" part or both');
    if (doc.name !== stem) issues.add('name-mismatch', '/name', `the persona is named "${doc.name}" but its file is ${path.basename(file)}: name the file ${doc.name}${path.extname(file)} or the persona "${stem}"`);
  }
  if (!issues.empty) throw new PersonaError('PERSONA_INVALID', shown, issues.items.map((i) => withPosition(i, source.locate)));
  const persona: Persona = { ...(source.data as Omit<Persona, 'source'>), source: shown };
  return variant === undefined ? persona : withVariant(persona, variant, shown);
}

/** "ios,android" → each loaded, in order, each once; bad input names the one that is wrong. */
export function loadPersonas(list: string, options: PersonaLoadOptions = {}): Persona[] {
  const names = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
  if (!names.length) throw new BadInputError('BAD_FLAG', `--as: name at least one persona (${listPersonas(options.personasDir).join(', ')})`, { path: '--as' });
  return names.map((n) => loadPersona(n, options));
}

function splitVariant(spec: string, cwd: string): { base: string; variant?: string } {
  const at = spec.lastIndexOf(':');
  // A Windows drive letter ("C:\…") or a path that exists as given is no variant.
  if (at <= 1 || existsSync(path.resolve(cwd, spec))) return { base: spec };
  return { base: spec.slice(0, at), variant: spec.slice(at + 1) };
}

/** Every rule that offers the variant takes its value (and its source and confidence). */
function withVariant(persona: Persona, variant: string, shown: string): Persona {
  const offered = new Set<string>();
  const walk = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const o = node as Record<string, unknown>;
    if ('value' in o && 'source' in o && 'confidence' in o) {
      const variants = (o.variants ?? {}) as Record<string, { value: unknown; about: string; source?: string; confidence?: string }>;
      for (const k of Object.keys(variants)) offered.add(k);
      const v = variants[variant];
      return v ? { ...o, value: v.value, source: v.source ?? o.source, confidence: v.confidence ?? o.confidence, note: `variant "${variant}": ${v.about}` } : o;
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v)]));
  };
  const out = walk(persona) as Persona;
  if (!offered.has(variant)) {
    throw new BadInputError('PERSONA_VARIANT', `${shown}: the persona "${persona.name}" offers no variant "${variant}"`, { file: shown }, {
      hint: offered.size ? `its variants: ${[...offered].sort().join(', ')}` : `it offers no variants: use --as ${persona.name}`,
    });
  }
  return out;
}

function findPersonaFile(spec: string, from: string, cwd: string, personasDir: string | undefined): string {
  const direct = path.resolve(from, spec);
  const not = notAFile(direct);
  if (not === undefined) return direct;
  if (!not.startsWith('there is no such file')) {
    throw new BadInputError('PERSONA_UNREADABLE', `${displayFile(direct, cwd)}: cannot use it as a persona: ${not}`, { file: spec });
  }
  const looksLikePath = spec.includes('/') || spec.includes(path.sep) || EXTENSIONS.includes(path.extname(spec));
  const dir = personasDir ?? defaultPersonasDir();
  if (!looksLikePath) {
    for (const ext of EXTENSIONS) {
      const candidate = path.join(dir, spec + ext);
      if (existsSync(candidate)) return candidate;
    }
    throw new BadInputError('PERSONA_NOT_FOUND', `no persona named "${spec}": the known ones are ${listPersonas(dir).join(', ')}`, { file: spec }, {
      hint: 'Pass one of those (--as ios, --as ios,android) or the path of your own persona file (fixtures/personas/README.md).',
    });
  }
  throw new BadInputError('PERSONA_NOT_FOUND', `${displayFile(direct, cwd)}: no such persona file`, { file: spec }, { hint: `Built-in personas: ${listPersonas(dir).join(', ')}.` });
}

function displayFile(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
