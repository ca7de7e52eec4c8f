// Where a JSON text breaks the grammar (RFC 8259), in words, for files JSON.parse rejected:
// V8's messages do not always carry a position, and never a line and column.

export interface JsonSyntaxProblem {
  readonly offset: number;
  readonly message: string;
}

class Stop extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** The first grammar error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  let lastComma = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const what = () => (i >= text.length ? 'the end of the file' : text[i] === '"' ? `'"'` : `"${text[i]}"`);
  const fail = (expected: string): never => {
    throw new Stop(i, `expected ${expected}, found ${what()}`);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") throw new Stop(i, 'strings take double quotes (") in JSON, not single quotes');
    fail('a value (an object, list, string, number, true, false or null)');
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') return void i++;
    for (;;) {
      ws();
      if (text[i] === '}') throw new Stop(lastComma, 'a comma before "}" is not allowed in JSON (trailing comma)');
      if (text[i] !== '"') fail('a property name in double quotes');
      string();
      ws();
      if (text[i] !== ':') fail('":" after the property name');
      i++;
      value();
      ws();
      if (text[i] === ',') {
        lastComma = i++;
        continue;
      }
      if (text[i] === '}') return void i++;
      fail('"," or "}" after a property value');
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') return void i++;
    for (;;) {
      ws();
      if (text[i] === ']') throw new Stop(lastComma, 'a comma before "]" is not allowed in JSON (trailing comma)');
      value();
      ws();
      if (text[i] === ',') {
        lastComma = i++;
        continue;
      }
      if (text[i] === ']') return void i++;
      fail('"," or "]" after a list item');
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, 'this backslash escape is not valid JSON');
      } else if (text.charCodeAt(i) < 0x20) throw new Stop(i, 'a string cannot contain a line break or control character; write \\n');
      else i++;
    }
    if (i >= text.length) throw new Stop(i, 'the string is never closed with "');
    i++;
  };
  const number = (): void => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m) fail('a number');
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the file after the top-level value');
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}
