// Problems found in a profile, and the one error that reports them all together (exit 2).
import { BadInputError } from '../../base/errors/blebench-error.js';
import { displayPath, formatIssue, formatIssues, InputIssueList, pointer, type InputIssue } from '../../base/input/issues.js';

export type IssueKind =
  | 'syntax'
  | 'duplicate-key'
  | 'unknown-property'
  | 'missing-property'
  | 'wrong-type'
  | 'not-allowed-value'
  | 'out-of-range'
  | 'bad-uuid'
  | 'duplicate-uuid'
  | 'duplicate-name'
  | 'security-without-property'
  | 'vocabulary-conflict'
  | 'unknown-vocabulary'
  | 'managed-descriptor'
  | 'bad-value'
  | 'value-constraint'
  | 'inconsistent';

/** One problem in a profile at one JSON Pointer path ("" is the top level). */
export type ProfileIssue = InputIssue<IssueKind>;

/** Collects issues while a profile is checked; paths are JSON Pointers. */
export class IssueList extends InputIssueList<IssueKind> {}

export { displayPath, formatIssue, pointer };

/** A profile that cannot be used: every problem found, each naming the file and the path inside it. */
export class ProfileError extends BadInputError {
  constructor(
    code: 'PROFILE_SYNTAX' | 'PROFILE_INVALID',
    readonly file: string,
    readonly issues: readonly ProfileIssue[],
  ) {
    super(code, formatIssues(file, issues), { file, path: issues[0]!.path }, {
      hint:
        code === 'PROFILE_SYNTAX'
          ? 'Fix the syntax at that line and column, then run again.'
          : 'fixtures/profiles/README.md describes the profile format, with an example.',
    });
  }
}
