// Checks a parsed document against a JSON Schema with ajv (allErrors) and words each error plainly.
// Used by profiles (common/stack/gatt) and scenarios (common/apps/scenario). A schema may carry an `expected`
// keyword beside an anyOf: the words for "one of the allowed shapes" ("a level or { level, ... }").
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
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

/** A checker for one schema; the schema is compiled on first use. */
export function schemaChecker(schema: object, options: SchemaCheckOptions = {}): SchemaCheck {
  let compiled: ValidateFunction | undefined;
  return (doc, issues) => {
    if (!compiled) {
      const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
      ajv.addVocabulary(['expected']);
      compiled = ajv.compile(schema);
    }
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
