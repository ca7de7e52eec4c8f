// Checks a parsed profile against PROFILE_SCHEMA (the shared checker in common/base/input words each error).
import { schemaChecker } from '../../base/input/schema-check.js';
import { PROFILE_SCHEMA } from './profile-schema.js';

/** YAML reads an unquoted 2902 (or 0x2A37) as a number. */
function yamlUuidHint(path: string, data: unknown): string {
  return typeof data === 'number' && /\/(uuid|unit|serviceUuids\/\d+|includes\/\d+)$/.test(path) ? '; in YAML put UUIDs in quotes ("2902"), or they are read as numbers' : '';
}

/** Adds one issue per schema violation; returns true when the document has the profile's shape. */
export const checkSchema = schemaChecker('profile', PROFILE_SCHEMA, { typeHint: yamlUuidHint });
