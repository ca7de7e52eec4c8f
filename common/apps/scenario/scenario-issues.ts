// Problems found in a scenario file, and the one error that reports them all together (exit 2).
import { BadInputError } from '../../base/errors/blebench-error.js';
import { formatIssues, InputIssueList, type InputIssue } from '../../base/input/issues.js';
import type { SchemaIssueKind } from '../../base/input/schema-check.js';

export type ScenarioIssueKind =
  | SchemaIssueKind
  | 'syntax'
  | 'duplicate-key'
  | 'unreadable'
  | 'step-shape'
  | 'unknown-characteristic'
  | 'unknown-pdu'
  | 'unknown-code'
  | 'bad-value'
  | 'bad-id'
  | 'profile'
  | 'persona'
  | 'inconsistent';

export type ScenarioIssue = InputIssue<ScenarioIssueKind>;
export class ScenarioIssueList extends InputIssueList<ScenarioIssueKind> {}

/** A scenario that cannot be run: every problem found, each naming the file, the path inside it and the line. */
export class ScenarioError extends BadInputError {
  constructor(
    code: 'SCENARIO_SYNTAX' | 'SCENARIO_INVALID' | 'SCENARIO_UNREADABLE',
    readonly file: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(code, formatIssues(file, issues), { file, path: issues[0]!.path }, {
      hint: code === 'SCENARIO_SYNTAX' ? 'Fix the syntax at that line and column, then run again.' : 'fixtures/scenarios/README.md describes the scenario format, with examples.',
    });
  }
}
