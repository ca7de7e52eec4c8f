// common/apps/scenario: scenario files (schema, loading, names), the expectation evaluator, reporters,
// suite discovery and the seeded shuffle. The runner (bin/) builds on these.
export * from './scenario.js';
export type * from './scenario-input.js';
export { SCENARIO_SCHEMA, STEP_KINDS } from './scenario-schema.js';
export { ScenarioError, type ScenarioIssue, type ScenarioIssueKind } from './scenario-issues.js';
export { loadScenario, SCENARIO_EXTENSIONS, type LoadScenarioOptions } from './load-scenario.js';
export { resolveScenarioDocument, type ProfileLookup, type ScenarioResolveResult } from './resolve-scenario.js';
export { parsePduName, nameMatches, type PduName } from './pdu-names.js';
export { parseProtocolCode, protocolCode, showCode, type CodeProtocol, type ProtocolCode } from './protocol-codes.js';
export { discoverScenarios } from './discover.js';
export { shuffle, randomSeed, parseSeed, SEED_MAX } from './shuffle.js';
export * from './expect/index.js';
export * from './report/index.js';
export { parseShard, shardKey, shardOf, filesOfShard, fnv1a, SHARD_COUNT_MAX, type Shard } from './shard.js';
