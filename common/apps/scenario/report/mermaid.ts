// The Mermaid reporter: Markdown to paste into a GitHub issue or pull request, one heading per scenario with
// its status and a fenced `mermaid` block holding its sequence diagram (common/apps/sequence).
import { buildSequence, renderMermaid } from '../../sequence/index.js';
import { failureReason, type SuiteResult } from './result.js';

/** Markdown's punctuation, backslash-escaped, on one line: a name from a file cannot open a block or a link. */
export function markdownText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, (c) => `\\${c}`);
}

export function mermaidReport(suite: SuiteResult): string {
  const parts = suite.results.map((r) => {
    const why = failureReason(r);
    return [`## ${markdownText(r.name)}: ${r.status}`, '', ...(why ? [markdownText(why), ''] : []), '```mermaid', renderMermaid(buildSequence(r.timelines)).trimEnd(), '```', ''].join('\n');
  });
  return `# blebench run, seed ${suite.seed}\n\n${parts.join('\n')}`;
}
