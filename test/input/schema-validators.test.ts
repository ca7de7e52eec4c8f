// The validators the build writes as code (dist/schema-validators/, ajv standalone) report exactly what
// the schema compiled at run time reports: for every profile, scenario and persona file in fixtures/ and
// the broken-file folders, and for the first of them broken once per node (a wrong type, a key removed, a key
// added), the same verdict and the same errors (keyword, paths, params, data, parent schema).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { newAjv, schemaHash } from '../../common/base/input/schema-check.js';
import { validatorSource } from '../../common/base/input/schema-standalone.js';
import { PROFILE_SCHEMA } from '../../common/stack/gatt/profile-schema.js';
import { SCENARIO_SCHEMA } from '../../common/apps/scenario/scenario-schema.js';
import { PERSONA_SCHEMA } from '../../common/apps/persona/persona-schema.js';
import { nodes } from '../bad-input/helpers/mutate.js';

/** The generated module run as the build's .cjs file is (its `require` of ajv's runtime helpers resolved from here). */
function load(source: string): ValidateFunction & { schemaHash?: string } {
  const module = { exports: {} as { default: ValidateFunction; schemaHash?: string } };
  new Function('module', 'exports', 'require', source)(module, module.exports, createRequire(import.meta.url));
  return Object.assign(module.exports.default, { schemaHash: module.exports.schemaHash });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.(json|ya?ml)$/.test(e.name) && !e.name.endsWith('.schema.json') ? [p] : [];
  });
}

function docs(dirs: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const file of dirs.flatMap(files)) {
    try {
      out.push(file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : parseYaml(readFileSync(file, 'utf8')));
    } catch {
      // a file broken in its syntax never reaches the schema
    }
  }
  return out;
}

function setAt(doc: unknown, at: string, change: (parent: Record<string, unknown>, key: string) => void): unknown {
  const copy = structuredClone(doc);
  const segs = at.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = copy as Record<string, unknown>;
  for (const s of segs.slice(0, -1)) node = node[s] as Record<string, unknown>;
  change(node, segs.at(-1)!);
  return copy;
}

/** Each document, then each broken once per node. */
function variants(doc: unknown): unknown[] {
  const out = [doc];
  for (const { path: at, value } of nodes(doc)) {
    if (at === '') continue;
    out.push(setAt(doc, at, (p, k) => (p[k] = typeof value === 'string' ? 12 : typeof value === 'number' ? 'twelve' : value && typeof value === 'object' ? true : 'text')));
    out.push(setAt(doc, at, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])));
    if (value && typeof value === 'object' && !Array.isArray(value)) out.push(setAt(doc, at, (p, k) => ((p[k] as Record<string, unknown>).notAKey = 1)));
  }
  return out;
}

/** How many files of a kind are broken once per node. */
const MUTATED = 6;

const SCHEMAS = [
  ['profile', PROFILE_SCHEMA, ['fixtures/profiles', 'test/gatt/broken']],
  ['scenario', SCENARIO_SCHEMA, ['fixtures/scenarios', 'test/scenario/broken']],
  ['persona', PERSONA_SCHEMA, ['fixtures/personas']],
] as const;

describe('generated schema validators', () => {
  for (const [name, schema, dirs] of SCHEMAS) {
    it(`${name}: the same verdict and errors as the schema compiled at run time`, () => {
      const compiled = newAjv().compile(schema);
      const generated = load(validatorSource(schema));
      expect(generated.schemaHash).toBe(schemaHash(schema));
      let failed = 0;
      let checked = 0;
      // Every file as it is; the first files of each folder also broken once per node (the rest repeat their shapes).
      for (const [i, doc] of docs(dirs).entries()) {
        for (const v of i < MUTATED ? variants(doc) : [doc]) {
          const ok = compiled(v);
          expect(generated(v)).toBe(ok);
          // As text (the errors are plain JSON data: schema parts and the document's values); one compare per document.
          const same = JSON.stringify(generated.errors ?? null) === JSON.stringify(compiled.errors ?? null);
          if (!same) expect(generated.errors ?? null).toEqual(compiled.errors ?? null);
          if (!ok) failed++;
          checked++;
        }
      }
      // The corpus reaches both verdicts, many times.
      expect(failed).toBeGreaterThan(50);
      expect(checked - failed).toBeGreaterThan(3);
    });
  }

  it('a changed schema has another hash (its generated validator is not used)', () => {
    expect(schemaHash({ ...PROFILE_SCHEMA, title: 'changed' })).not.toBe(schemaHash(PROFILE_SCHEMA));
  });
});
