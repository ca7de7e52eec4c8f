// What the persona schema cannot say: the file's name is the persona's name (so `--as NAME` finds
// what the file says it is), and a rule nobody can vouch for (`confidence: unknown`) offers variants.
import { pointer } from '../../base/input/issues.js';
import type { PersonaIssueList } from './persona-issues.js';

/** Adds an issue for every rule (an object with value, source and confidence) that is unknown and has no variants. */
export function checkUnknownRules(doc: unknown, issues: PersonaIssueList, path = ''): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return;
  const o = doc as Record<string, unknown>;
  if ('value' in o && 'source' in o && 'confidence' in o) {
    if (o.confidence === 'unknown' && o.variants === undefined) {
      issues.add('unknown-without-variants', path + pointer('confidence'), 'a rule nobody knows ("unknown") must offer the candidates as named "variants" ({ NAME: { value, about } })');
    }
    return;
  }
  for (const [k, v] of Object.entries(o)) checkUnknownRules(v, issues, path + pointer(k));
}
