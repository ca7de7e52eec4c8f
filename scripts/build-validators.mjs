#!/usr/bin/env node
// After tsc (npm run build, prepare): writes each input schema's validator as code to
// dist/schema-validators/NAME.cjs (common/base/input/schema-standalone.ts), so that a `blebench` process
// loads it instead of compiling the schema at every start. A schema without one (or a stale one) is
// still compiled at run time: the checks are the same, only slower.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
// The modules that make the checkers (schemaChecker(NAME, ...)); each registers its schema in SCHEMA_CHECKERS.
await import(new URL('common/stack/gatt/schema-check.js', dist).href);
await import(new URL('common/apps/scenario/resolve-scenario.js', dist).href);
await import(new URL('common/apps/persona/load-persona.js', dist).href);
const { SCHEMA_CHECKERS, GENERATED_VALIDATORS } = await import(new URL('common/base/input/schema-check.js', dist).href);
const { validatorSource } = await import(new URL('common/base/input/schema-standalone.js', dist).href);

const dir = fileURLToPath(GENERATED_VALIDATORS);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const [name, schema] of SCHEMA_CHECKERS) {
  const file = `${dir}${name}.cjs`;
  writeFileSync(`${file}.tmp`, validatorSource(schema));
  renameSync(`${file}.tmp`, file);
}
