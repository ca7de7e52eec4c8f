// Checks a parsed document against a JSON Schema with ajv (allErrors) and words each error plainly.
// Used by profiles (common/stack/gatt), scenarios (common/apps/scenario) and personas (common/apps/persona).
// A schema may carry an `expected` keyword beside an anyOf: the words for "one of the allowed shapes"
// ("a level or { level, ... }").
// Compiling a schema is most of a short `blebench` process's start (0.1-0.3 s CPU each): the build writes
// each schema's validator as code (ajv standalone, scripts/build-validators.mjs, to dist/schema-validators/),
// and a checker loads that instead of compiling, when it was made from this very schema and these options.
// Without it (the sources run by vitest, a stale build), the schema is compiled here, as before: the same checks.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { closest, didYouMean } from './did-you-mean.js';
import { pointer } from './issues.js';

/** The issue kinds schema checking reports. */
export type SchemaIssueKind = 'unknown-property' | 'missing-property' | 'wrong-type' | 'not-allowed-value' | 'out-of-range';

/** Where the issues go (an InputIssueList whose kinds include the schema's). */
export interface SchemaIssueSink {
  add(kind: SchemaIssueKind, path: string, message: string): void;
}

export interface SchemaCheckOptions {
  /** Extra words after a wrong-type message, e.g. a YAML quoting hint for one kind of path. */
  readonly typeHint?: (path: string, data: unknown) => string;
}

/** Adds one issue per schema violation; returns true when the document has the schema's shape. */
export type SchemaCheck = (doc: unknown, issues: SchemaIssueSink) => boolean;

/** ajv's options for every schema (the generated validators are made with the same). */
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;

const require = createRequire(import.meta.url);

/** An ajv set up as every checker's (ajv itself is loaded only when a schema is compiled); `source` keeps the code for standalone output. */
export function newAjv(source = false): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...(source ? { code: { source: true } } : {}) });
  ajv.addVocabulary(['expected']);
  return ajv;
}

/** What a generated validator was made from: the schema and the options (a changed schema makes it stale). */
export function schemaHash(schema: object): string {
  return createHash('sha256').update(JSON.stringify({ options: AJV_OPTIONS, vocabulary: ['expected'], schema })).digest('hex');
}

/** Where the build puts the generated validators: dist/schema-validators/NAME.cjs (this file is dist/common/base/input/). */
export const GENERATED_VALIDATORS = new URL('../../../schema-validators/', import.meta.url);

/** The build's validator for `name` when it was made from this schema; else undefined (the schema is compiled). */
function generatedValidator(name: string, schema: object): ValidateFunction | undefined {
  const file = fileURLToPath(new URL(`${name}.cjs`, GENERATED_VALIDATORS));
  if (!existsSync(file)) return undefined;
  const generated = require(file) as { default: ValidateFunction; schemaHash?: string };
  return generated.schemaHash === schemaHash(schema) ? generated.default : undefined;
}

/** The checkers made so far, by name: what scripts/build-validators.mjs generates code for. */
export const SCHEMA_CHECKERS = new Map<string, object>();

/** A checker for one schema (`name`: its generated validator's); the schema is compiled (or its validator loaded) on first use. */
export function schemaChecker(name: string, schema: object, options: SchemaCheckOptions = {}): SchemaCheck {
  SCHEMA_CHECKERS.set(name, schema);
  let compiled: ValidateFunction | undefined;
  return (doc, issues) => {
    compiled ??= generatedValidator(name, schema) ?? newAjv().compile(schema);
    if (compiled(doc)) return true;
    for (const e of pickAnyOfBranches(compiled.errors ?? [])) word(e, issues, options);
    return false;
  };
}

/**
 * For a failed anyOf, keep the errors of the branch whose type matched the data (they say what
 * is really wrong); when no branch's type matched, keep the anyOf error itself.
 */
function pickAnyOfBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = [...errors];
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = anyOf.schemaPath + '/';
    const inside = out.filter((e) => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(anyOf.instancePath));
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const typeMatched = [...byBranch.values()].find(
      (errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === anyOf.instancePath),
    );
    out = out.filter((e) => !inside.includes(e) && e !== anyOf);
    out.push(...(typeMatched ?? [anyOf]));
  }
  return out;
}

function word(e: ErrorObject, issues: SchemaIssueSink, options: SchemaCheckOptions): void {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as object);
      issues.add(
        'unknown-property',
        at + pointer(prop),
        `unknown property "${prop}"${didYouMean(prop, allowed)}; allowed here: ${allowed.join(', ')}`,
      );
      return;
    }
    case 'required':
      issues.add('missing-property', at, `"${String(params.missingProperty)}" is missing`);
      return;
    case 'type': {
      const hint = options.typeHint?.(at, e.data) ?? '';
      issues.add('wrong-type', at, `must be ${typeWords(params.type)}, not ${describe(e.data)}${hint}`);
      return;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const hint = typeof e.data === 'string' ? closest(e.data, (params.allowedValues as unknown[]).map(String)) : undefined;
      issues.add(
        'not-allowed-value',
        at,
        `${describe(e.data)} is not allowed here; use one of ${allowed.join(', ')}` + (hint ? ` (did you mean "${hint}"?)` : ''),
      );
      return;
    }
    case 'minimum':
    case 'maximum': {
      const lo = parent.minimum;
      const hi = parent.maximum;
      const range = lo !== undefined && hi !== undefined ? `between ${lo} and ${hi}` : e.keyword === 'minimum' ? `at least ${lo}` : `at most ${hi}`;
      issues.add('out-of-range', at, `must be ${range}, not ${String(e.data)}`);
      return;
    }
    case 'minItems':
      issues.add('out-of-range', at, `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
      return;
    case 'minLength':
      issues.add('out-of-range', at, 'must not be empty');
      return;
    case 'anyOf':
      issues.add('wrong-type', at, `must be ${String(parent.expected ?? 'one of the allowed shapes')}, not ${describe(e.data)}`);
      return;
    default:
      issues.add('wrong-type', at, e.message ?? `breaks the schema rule "${e.keyword}"`);
  }
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'an object { ... }',
    array: 'a list [ ... ]',
    null: 'null',
  };
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => words[t] ?? t).join(' or ');
}

/** "the number 12", "the string \"x\"", "a list", ... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `"${value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
