// Input files (profiles, scenarios) as text: JSON or YAML to a plain value, syntax errors with line and
// column, and the line and column of any JSON Pointer path, so every issue can say where it is.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { findJsonSyntaxProblem } from './json-syntax.js';
import { pointer, type InputIssue } from './issues.js';

/** The issues parsing itself can find. */
export type SourceIssue = InputIssue<'syntax' | 'duplicate-key'>;

export interface ParsedSource {
  readonly data: unknown;
  /** Issues found while parsing that are not syntax errors (duplicate keys). */
  readonly issues: readonly SourceIssue[];
  /** 1-based line and column of a JSON Pointer path, as near as the text allows; of its key rather than its value with `atKey`. */
  locate(path: string, atKey?: boolean): { line: number; column: number } | undefined;
}

/** Expansions of aliases a document may make (yaml's maxAliasCount), far above any real profile or scenario. */
export const MAX_ALIAS_COUNT = 100;

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

export type ParseResult = { ok: true; source: ParsedSource } | { ok: false; issues: readonly SourceIssue[] };

/**
 * Texts parsed lately, by format and text: a suite's scenarios name the same few profiles, and parsing one
 * again (yaml's parser, for the lines of its paths and its duplicate keys) was a third of `blebench run`'s
 * CPU. Parsing is a function of the text alone, so a text seen before gets the same result, with a copy of
 * its data (a caller may change what it gets). Bounded: the last RECENT_TEXTS texts of at most RECENT_CHARS.
 */
const recent = new Map<string, ParsedSource>();
const RECENT_TEXTS = 8;
const RECENT_CHARS = 256 * 1024;

export function parseSourceText(text: string, format: 'json' | 'yaml'): ParseResult {
  const key = `${format}:${text}`;
  const seen = recent.get(key);
  if (seen) return { ok: true, source: { ...seen, data: structuredClone(seen.data) } };
  const parsed = parseText(text, format);
  if (parsed.ok && text.length <= RECENT_CHARS) {
    if (recent.size >= RECENT_TEXTS) recent.delete(recent.keys().next().value!);
    recent.set(key, { ...parsed.source, data: structuredClone(parsed.source.data) });
  }
  return parsed;
}

function parseText(text: string, format: 'json' | 'yaml'): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  let data: unknown;
  if (format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      const problem = findJsonSyntaxProblem(text) ?? { offset: 0, message: (e as Error).message };
      return { ok: false, issues: [{ kind: 'syntax', path: '', message: `not valid JSON: ${problem.message}`, ...at(problem.offset) }] };
    }
  } else {
    const error = doc.errors[0];
    if (error) {
      return { ok: false, issues: [{ kind: 'syntax', path: '', message: `not valid YAML: ${firstLine(error.message)}`, ...at(error.pos[0]) }] };
    }
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // yaml's guard against "billion laughs": aliases that expand beyond the limit (a ReferenceError).
      if (!(e instanceof ReferenceError)) throw e;
      return { ok: false, issues: [{ kind: 'syntax', path: '', message: `not usable YAML: its aliases expand beyond ${MAX_ALIAS_COUNT} times a node (an alias bomb?); write the values out or use fewer aliases`, ...at(firstAliasOffset(doc)) }] };
    }
  }
  const located = doc.errors.length === 0 ? doc : undefined;
  return {
    ok: true,
    source: {
      data,
      issues: located ? duplicateKeys(located, at) : [],
      locate: (path, atKey = false) => {
        const offset = located ? offsetOf(located, path, atKey) : undefined;
        return offset === undefined ? undefined : at(offset);
      },
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function segmentsOf(path: string): string[] {
  return path === '' ? [] : path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Offset of the node at `path`, or of the nearest ancestor that exists. */
function offsetOf(doc: Document, path: string, atKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  const segments = segmentsOf(path);
  for (const [n, seg] of segments.entries()) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      next = atKey && n === segments.length - 1 ? pair?.key : (pair?.value ?? pair?.key);
    } else if (isSeq(node)) next = node.items[Number(seg)];
    if (!next || !(next as Node).range) break;
    node = next;
    offset = (next as Node).range![0];
  }
  return offset;
}

/** JSON.parse keeps the last of two equal keys silently; an author means one of them. */
function duplicateKeys(doc: Document, at: (offset: number) => { line: number; column: number }): SourceIssue[] {
  const out: SourceIssue[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const p of node.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const key = String(p.key.value);
        const keyPath = path + pointer(key);
        if (seen.has(key)) {
          out.push({ kind: 'duplicate-key', path: keyPath, message: `"${key}" appears twice in the same object; keep one`, ...at(p.key.range?.[0] ?? 0) });
        }
        seen.add(key);
        walk(p.value, keyPath);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, path + pointer(i)));
  };
  walk(doc.contents, '');
  return out;
}
