// A schema's validator as code (ajv standalone): what the build writes to dist/schema-validators/ so that a
// `blebench` process loads it instead of compiling the schema (schema-check.ts). The code is ajv's own
// compile output for the same options, so it checks exactly what the compiled schema checks.
import standalone from 'ajv/dist/standalone/index.js';
import { newAjv, schemaHash } from './schema-check.js';

/** A CommonJS module: `default` is the validator; `schemaHash` what it was made from (schema-check.ts compares it). */
export function validatorSource(schema: object): string {
  const ajv = newAjv(true);
  const validate = ajv.compile(schema);
  // The package is CommonJS (module.exports = standaloneCode, with .default the same): typed as its namespace.
  return `${standalone.default(ajv, validate)}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(schema))};\n`;
}
