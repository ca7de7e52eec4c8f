// `blebench report merge`: the reports of a sharded run (`run --shard K/N` on N machines) made into one,
// JSON with JSON and JUnit with JUnit. Nothing is re-judged: scenarios are carried over as written.
// A scenario file in two reports, a shard given twice, or shards of different splits is bad input;
// shards that are missing are named in the result (the caller says so and exits 1).
import { BadInputError } from '../../../base/errors/blebench-error.js';

export type MergeFormat = 'json' | 'junit';

export interface ReportFile {
  readonly file: string;
  readonly text: string;
}

export interface MergeResult {
  readonly format: MergeFormat;
  readonly text: string;
  readonly scenarios: number;
  readonly passed: number;
  readonly failed: number;
  /** "2/3" for each shard of the split that no input was. */
  readonly missingShards: readonly string[];
}

interface ShardTag {
  readonly index: number;
  readonly count: number;
}

const bad = (file: string, message: string, hint?: string) => new BadInputError('REPORT_INVALID', `${file}: ${message}`, { file }, hint ? { hint } : undefined);

export function formatOf(r: ReportFile): MergeFormat {
  const head = r.text.trimStart();
  if (head.startsWith('{')) return 'json';
  if (head.startsWith('<')) return 'junit';
  throw bad(r.file, 'neither a JSON nor a JUnit XML report', 'give the files written by `blebench run --reporter json|junit --out FILE`');
}

export function mergeReports(files: readonly ReportFile[]): MergeResult {
  if (!files.length) throw new BadInputError('REPORT_INVALID', 'no reports to merge', { path: 'FILES' });
  const format = formatOf(files[0]!);
  for (const f of files) {
    if (formatOf(f) !== format) throw bad(f.file, `is ${formatOf(f) === 'json' ? 'JSON' : 'JUnit XML'} but ${files[0]!.file} is ${format === 'json' ? 'JSON' : 'JUnit XML'}`, 'merge JSON reports with JSON reports and JUnit with JUnit');
  }
  return format === 'json' ? mergeJson(files) : mergeJunit(files);
}

/** The shards that were split for but not given; bad input when the inputs disagree about the split. */
function missingShards(tags: ReadonlyArray<{ file: string; shard?: ShardTag }>): string[] {
  const sharded = tags.filter((t): t is { file: string; shard: ShardTag } => t.shard !== undefined);
  if (!sharded.length) return [];
  const count = sharded[0]!.shard.count;
  const seen = new Map<number, string>();
  for (const t of sharded) {
    if (t.shard.count !== count) throw bad(t.file, `is shard ${t.shard.index}/${t.shard.count} but ${sharded[0]!.file} is of a split into ${count}`, 'merge the shards of one run');
    const before = seen.get(t.shard.index);
    if (before) throw bad(t.file, `is shard ${t.shard.index}/${count}, as ${before} is`, 'give each shard once');
    seen.set(t.shard.index, t.file);
  }
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!seen.has(i)) missing.push(`${i}/${count}`);
  return missing;
}

interface JsonReport {
  seed?: number;
  shard?: ShardTag & { suiteTotal?: number };
  scenarios: Array<{ file: string; status: string; [k: string]: unknown }>;
}

function parseJson(f: ReportFile): JsonReport {
  let doc: unknown;
  try {
    doc = JSON.parse(f.text);
  } catch (e) {
    throw bad(f.file, `not valid JSON (${(e as Error).message})`);
  }
  const r = doc as Partial<JsonReport> | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.scenarios) || r.scenarios.some((s) => !s || typeof s.file !== 'string' || typeof s.status !== 'string')) {
    throw bad(f.file, 'not a blebench JSON report (no "scenarios" list of records with "file" and "status")', 'give the files written by `blebench run --reporter json --out FILE`');
  }
  return r as JsonReport;
}

function mergeJson(files: readonly ReportFile[]): MergeResult {
  const docs = files.map((f) => ({ file: f.file, doc: parseJson(f) }));
  const missing = missingShards(docs.map((d) => ({ file: d.file, ...(d.doc.shard ? { shard: d.doc.shard } : {}) })));
  const owner = new Map<string, string>();
  const scenarios: JsonReport['scenarios'] = [];
  for (const { file, doc } of docs) {
    for (const s of doc.scenarios) {
      const before = owner.get(s.file);
      if (before) throw bad(file, `has scenario ${s.file}, which ${before} has too`, 'merge reports of different shards of one run');
      owner.set(s.file, file);
      scenarios.push(doc.shard ? { ...s, shard: `${doc.shard.index}/${doc.shard.count}` } : s);
    }
  }
  const passed = scenarios.filter((s) => s.status === 'passed').length;
  const failed = scenarios.length - passed;
  const shards = docs.map((d) => ({ file: d.file, seed: d.doc.seed ?? null, shard: d.doc.shard ?? null, scenarios: d.doc.scenarios.length }));
  const text = JSON.stringify({ merged: shards, missingShards: missing, passed, failed, scenarios }, null, 2) + '\n';
  return { format: 'json', text, scenarios: scenarios.length, passed, failed, missingShards: missing };
}

/** The <testsuite> elements of a JUnit document, as written, with CDATA and comments skipped while looking. */
function testSuites(f: ReportFile): string[] {
  const s = f.text;
  const out: string[] = [];
  let i = 0;
  let start = -1;
  while (i < s.length) {
    if (s.startsWith('<![CDATA[', i)) {
      const end = s.indexOf(']]>', i);
      if (end < 0) throw bad(f.file, 'not well-formed XML (a CDATA section does not end)');
      i = end + 3;
    } else if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i);
      if (end < 0) throw bad(f.file, 'not well-formed XML (a comment does not end)');
      i = end + 3;
    } else if (start < 0 && /^<testsuite[\s>]/.test(s.slice(i, i + 11))) {
      start = i;
      i += 10;
    } else if (start >= 0 && s.startsWith('</testsuite>', i)) {
      out.push(s.slice(start, i + 12));
      start = -1;
      i += 12;
    } else if (start >= 0 && s.startsWith('/>', i) && !s.slice(start, i).includes('>')) {
      out.push(s.slice(start, i + 2)); // an empty <testsuite ... />
      start = -1;
      i += 2;
    } else i++;
  }
  if (start >= 0) throw bad(f.file, 'not well-formed XML (a <testsuite> does not end)');
  if (!out.length) throw bad(f.file, 'not a JUnit report (no <testsuite>)', 'give the files written by `blebench run --reporter junit --out FILE`');
  return out;
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag.slice(0, tag.indexOf('>') + 1))?.[1];
}

function mergeJunit(files: readonly ReportFile[]): MergeResult {
  const suites = files.flatMap((f) => testSuites(f).map((xml) => ({ file: f.file, xml })));
  const tags = suites.map(({ file, xml }) => {
    const m = /<property name="shard" value="(\d+)\/(\d+)"\s*\/>/.exec(xml);
    return { file, ...(m ? { shard: { index: Number(m[1]), count: Number(m[2]) } } : {}) };
  });
  const missing = missingShards(tags);
  const owner = new Map<string, string>();
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  for (const { file, xml } of suites) {
    for (const tc of xml.match(/<testcase\b[^>]*>/g) ?? []) {
      const key = attr(tc, 'file') ?? `${attr(tc, 'classname')}#${attr(tc, 'name')}`;
      const before = owner.get(key);
      if (before) throw bad(file, `has scenario ${key}, which ${before} has too`, 'merge reports of different shards of one run');
      owner.set(key, file);
    }
    tests += Number(attr(xml, 'tests') ?? 0);
    failures += Number(attr(xml, 'failures') ?? 0);
    errors += Number(attr(xml, 'errors') ?? 0);
    time += Number(attr(xml, 'time') ?? 0);
  }
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="blebench scenarios" tests="${tests}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">\n${suites.map((s) => s.xml).join('\n')}\n</testsuites>\n`;
  return { format: 'junit', text, scenarios: tests, passed: tests - failures - errors, failed: failures + errors, missingShards: missing };
}
