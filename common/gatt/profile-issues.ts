// Problems found in a profile, and the one error that reports them all together (exit 2).
import { BadInputError } from '../errors/blebench-error.js';

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

/** One problem at one JSON Pointer path ("" is the top level). */
export interface ProfileIssue {
  readonly kind: IssueKind;
  readonly path: string;
  readonly message: string;
  /** Other paths the problem involves (the other side of a conflict or duplicate). */
  readonly related?: readonly string[];
  /** 1-based position in the source text, when it came from a file. */
  readonly line?: number;
  readonly column?: number;
}

/** Collects issues while a profile is checked; paths are JSON Pointers. */
export class IssueList {
  readonly items: ProfileIssue[] = [];
  add(kind: IssueKind, path: string, message: string, related?: readonly string[]): void {
    this.items.push(related?.length ? { kind, path, message, related } : { kind, path, message });
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** Escape one JSON Pointer segment. RFC 6901. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function displayPath(path: string): string {
  return path === '' ? '/ (the top level)' : path;
}

function where(file: string, issue: ProfileIssue): string {
  const at = issue.line !== undefined ? ` (line ${issue.line}, column ${issue.column ?? 1})` : '';
  // A syntax error has no path inside a document that could not be read; its line and column are the place.
  return issue.kind === 'syntax' ? `${file}${at}` : `${file} at ${displayPath(issue.path)}${at}`;
}

export function formatIssue(file: string, issue: ProfileIssue): string {
  return `${where(file, issue)}: ${issue.message}`;
}

/** A profile that cannot be used: every problem found, each naming the file and the path inside it. */
export class ProfileError extends BadInputError {
  constructor(
    code: 'PROFILE_SYNTAX' | 'PROFILE_INVALID',
    readonly file: string,
    readonly issues: readonly ProfileIssue[],
  ) {
    const first = issues[0]!;
    const message =
      issues.length === 1
        ? formatIssue(file, first)
        : `${file} has ${issues.length} problems:\n` + issues.map((i) => '  - ' + formatIssue(file, i)).join('\n');
    super(code, message, { file, path: first.path }, {
      hint:
        code === 'PROFILE_SYNTAX'
          ? 'Fix the syntax at that line and column, then run again.'
          : 'fixtures/profiles/README.md describes the profile format, with an example.',
    });
  }
}
