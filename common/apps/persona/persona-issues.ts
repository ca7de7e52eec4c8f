// A persona file that cannot be used: every problem found, each naming the file and the place in it
// (JSON Pointer path, line and column), exit 2, as profiles and scenarios do (common/input/issues.ts).
import { BadInputError } from '../../base/errors/blebench-error.js';
import { formatIssues, InputIssueList, type InputIssue } from '../../base/input/issues.js';
import type { SchemaIssueKind } from '../../base/input/schema-check.js';

export type PersonaIssueKind = 'syntax' | 'duplicate-key' | SchemaIssueKind | 'name-mismatch' | 'unknown-without-variants';
export type PersonaIssue = InputIssue<PersonaIssueKind>;
export class PersonaIssueList extends InputIssueList<PersonaIssueKind> {}

export class PersonaError extends BadInputError {
  constructor(
    code: 'PERSONA_SYNTAX' | 'PERSONA_INVALID',
    readonly file: string,
    readonly issues: readonly PersonaIssue[],
  ) {
    super(code, formatIssues(file, issues), { file, path: issues[0]!.path }, {
      hint: code === 'PERSONA_SYNTAX' ? 'Fix the syntax at that line and column, then run again.' : 'fixtures/personas/README.md describes the persona format.',
    });
  }
}
