// Profiles written as TypeScript objects: the same checks as files, with `source` standing in
// for the file name in messages.
import type { ProfileInput } from './profile-input.js';
import { ProfileError } from './profile-issues.js';
import type { ResolvedProfile } from './resolved-profile.js';
import { resolveProfileDocument } from './resolve-profile.js';

export function defineProfile(input: ProfileInput, options: { source?: string } = {}): ResolvedProfile {
  const source = options.source ?? `defineProfile(${JSON.stringify((input as { name?: unknown } | null)?.name ?? '?')})`;
  // Through JSON, as a file would be: drops properties set to undefined and rejects what JSON cannot carry.
  const resolved = resolveProfileDocument(JSON.parse(JSON.stringify(input ?? null)) as unknown, source);
  if (!resolved.ok) throw new ProfileError('PROFILE_INVALID', source, resolved.issues);
  return resolved.profile;
}
