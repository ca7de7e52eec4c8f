// Text from peers and files inside the reports: the Mermaid labels (entity codes for every unsafe character,
// controls as visible escapes, one line), the Markdown headings of `--reporter mermaid`, and the JSON inside
// the HTML page (no `<`, so nothing can close its script element). Mermaid itself reads the output in
// mermaid.e2e.test.ts; these are the inner loop's checks.
import { describe, expect, it } from 'vitest';
import { MERMAID_LABEL_MAX, mermaidText } from '../../common/apps/sequence/mermaid.js';
import { markdownText } from '../../common/apps/scenario/report/mermaid.js';
import { scriptJson } from '../../common/apps/html/report-data.js';

describe('escaping for the reports', () => {
  it('a Mermaid label keeps letters, digits and plain punctuation; everything else becomes #code;', () => {
    expect(mermaidText('ATT Read Request: handle 0x000E')).toBe('ATT Read Request: handle 0x000E');
    expect(mermaidText('a; b')).toBe('a#59; b');
    expect(mermaidText('#59;')).toBe('#35;59#59;');
    expect(mermaidText('x-->>y')).toBe('x--#62;#62;y');
    expect(mermaidText('<b>%%')).toBe('#60;b#62;#37;#37;');
    expect(mermaidText('new\nline\u202e')).toBe('new#92;nline#92;u202e');
    expect(mermaidText('')).toBe('#160;');
    // Nothing a Mermaid line could be broken by is left.
    expect(mermaidText('a\r\n;{}<>"`|#%')).toMatch(/^[A-Za-z0-9 .,:()\-_/=+*'?!@[\]#;]*$/);
  });

  it('a Mermaid label is cut at its maximum length, the cut marked', () => {
    const long = 'x'.repeat(MERMAID_LABEL_MAX + 1);
    expect(mermaidText(long)).toBe('x'.repeat(MERMAID_LABEL_MAX - 1) + '#8230;');
    expect(mermaidText('x'.repeat(MERMAID_LABEL_MAX))).toBe('x'.repeat(MERMAID_LABEL_MAX));
  });

  it('a Markdown heading from a file name is one line with its punctuation escaped', () => {
    expect(markdownText('a *b* [c](d)\n# e')).toBe('a \\*b\\* \\[c\\]\\(d\\) \\# e');
  });

  it('the page\'s JSON has no "<" (no </script>), and reads back to the same data', () => {
    const data = { name: '</script><script>alert(1)</script>', sep: '\u2028\u2029' };
    const text = scriptJson(data);
    expect(text).not.toContain('<');
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(data);
  });
});
