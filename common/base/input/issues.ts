// Problems found in an input file (a profile, a scenario), each at one JSON Pointer path, and how they
// read: "FILE at PATH (line L, column C): message". Shared by common/stack/gatt and common/apps/scenario.

/** One problem at one JSON Pointer path ("" is the top level). K names the kinds a file type knows. */
export interface InputIssue<K extends string = string> {
  readonly kind: K;
  readonly path: string;
  readonly message: string;
  /** Other paths the problem involves (the other side of a conflict or duplicate). */
  readonly related?: readonly string[];
  /** 1-based position in the source text, when it came from a file. */
  readonly line?: number;
  readonly column?: number;
}

/** Collects issues while a document is checked; paths are JSON Pointers. */
export class InputIssueList<K extends string = string> {
  readonly items: InputIssue<K>[] = [];
  add(kind: K, path: string, message: string, related?: readonly string[]): void {
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

function where(file: string, issue: InputIssue): string {
  const at = issue.line !== undefined ? ` (line ${issue.line}, column ${issue.column ?? 1})` : '';
  // A syntax error has no path inside a document that could not be read; its line and column are the place.
  return issue.kind === 'syntax' ? `${file}${at}` : `${file} at ${displayPath(issue.path)}${at}`;
}

export function formatIssue(file: string, issue: InputIssue): string {
  return `${where(file, issue)}: ${issue.message}`;
}

/** One line for one problem, or a count and an indented list for several. */
export function formatIssues(file: string, issues: readonly InputIssue[]): string {
  if (issues.length === 1) return formatIssue(file, issues[0]!);
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((i) => '  - ' + formatIssue(file, i));
  const more = issues.length > MAX_ISSUES_SHOWN ? `\n  … and ${issues.length - MAX_ISSUES_SHOWN} more (the first ${MAX_ISSUES_SHOWN} are shown; fix these and run again)` : '';
  return `${file} has ${issues.length} problems:\n` + shown.join('\n') + more;
}

/** A list of problems stops here, with the count of the rest: a broken file of 30,000 entries is not 30,000 lines. */
export const MAX_ISSUES_SHOWN = 50;

/** The issue with the line and column of its path filled in (of the key, for an unknown property). */
export function withPosition<I extends InputIssue>(issue: I, locate: (path: string, atKey?: boolean) => { line: number; column: number } | undefined): I {
  if (issue.line !== undefined) return issue;
  const pos = locate(issue.path, issue.kind === 'unknown-property');
  return pos ? { ...issue, ...pos } : issue;
}
