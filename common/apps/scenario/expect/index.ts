// The expectation evaluator: step results + timelines → verdicts.
export * from './types.js';
export { evaluate, evaluateRun, allHeld } from './evaluate.js';
export { evaluateTimeline, entryMatches, windowed } from './timeline.js';
export { linkSecurity } from './link-security.js';
export { fieldMismatches, type FieldMismatch } from './fields.js';
