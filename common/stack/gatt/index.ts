// common/stack/gatt: the shared GATT definitions both roles import. One import for all of it.
export * from './uuid.js';
export * from './characteristic-properties.js';
export * from './descriptor-types.js';
export * from './presentation-format.js';
export * from './security-levels.js';
export * from './security-rule.js';
export * from './value-rules.js';
export * from './expected-outcome.js';
export type * from './profile-input.js';
export { PROFILE_SCHEMA } from './profile-schema.js';
export { ProfileError, formatIssue, type IssueKind, type ProfileIssue } from './profile-issues.js';
export * from './resolved-profile.js';
export { resolveProfileDocument, type ProfileResolveResult } from './resolve-profile.js';
export { DEFAULT_PROFILE, loadProfile, listProfiles, defaultProfilesDir, type LoadOptions } from './load-profile.js';
export { defineProfile } from './define-profile.js';
export { MAX_ATTRIBUTE_VALUE_LENGTH } from './resolve-value.js';
export { databaseHash, databaseHashMessage, databaseHashValue, type HashedAttribute } from './database-hash.js';
