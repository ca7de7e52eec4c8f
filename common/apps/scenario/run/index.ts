// The scenario runner: one scenario or a shuffled suite over rigs that bin/ builds from the real roles.
export * from './ports.js';
export { runScenario, lastLink, type RunRole, type RunScenarioOptions } from './run-scenario.js';
export type { StepRecord } from './step-record.js';
export { runSuite, type RunSuiteOptions } from './run-suite.js';
export { stepOutcomeOf, StepTimeout } from './outcome.js';
export { applyBehaviours } from './behaviours.js';
