// A tiny XML well-formedness checker for the JUnit report test (no xmllint needed): declaration,
// elements properly nested, attributes quoted and unique, entities known, CDATA and comments skipped.
// Returns the elements found, with their attributes, in document order.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** Element names from the root down to this one. */
  path: string[];
  text: string;
}

const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function unescape(s: string, where: number): string {
  if (/&/.test(s.replace(ENTITY, ''))) throw new Error(`bad entity near offset ${where}`);
  return s.replace(ENTITY, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" })[e] ?? String.fromCodePoint(Number(e.startsWith('&#x') ? '0x' + e.slice(3, -1) : e.slice(2, -1))));
}

/** The ">" that ends the tag at `lt`; a ">" inside a quoted attribute value is text (XML 1.0 2.3). */
function tagEnd(xml: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  throw new Error(`tag never closed at offset ${lt}`);
}

export function parseXml(xml: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;
  let rootSeen = false;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`stray ">" near offset ${i}`);
    if (stack.length) stack.at(-1)!.text += unescape(text, i);
    else if (text.trim()) throw new Error(`text outside the root element near offset ${i}`);
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end < 0) throw new Error('comment never closed');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end < 0 || !stack.length) throw new Error('bad CDATA section');
      stack.at(-1)!.text += xml.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    const gt = tagEnd(xml, lt);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}> at offset ${lt}`);
      i = gt + 1;
      continue;
    }
    const m = new RegExp(`^(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)$`).exec(tag);
    if (!m) throw new Error(`malformed tag <${tag.slice(0, 40)}> at offset ${lt}`);
    if (!stack.length && rootSeen) throw new Error('a second root element');
    rootSeen = true;
    const attributes: Record<string, string> = {};
    for (const a of m[2]!.matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
      if (a[1]! in attributes) throw new Error(`attribute ${a[1]} twice in <${m[1]}>`);
      attributes[a[1]!] = unescape(a[2] ?? a[3] ?? '', lt);
    }
    const el: XmlElement = { name: m[1]!, attributes, path: [...stack.map((s) => s.name), m[1]!], text: '' };
    out.push(el);
    if (!m[3]) stack.push(el);
    i = gt + 1;
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!rootSeen) throw new Error('no root element');
  return out;
}
