// A JSON parser that remembers where each value came from, so config errors
// can say `mpconfig.json:7: features.X: ...`, and that refuses duplicate
// keys (JSON.parse keeps the last one silently, hiding a typo'd override).

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export interface LocatedJson {
  value: unknown;
  /** line (1-based) of the value at a path such as `features.X` or `link.freeze[0]` */
  lineOf(path: string): number | undefined;
}

/** Path of a member, as used in messages: `a.b`, `a[2]`; odd keys are quoted. */
export function memberPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const simple = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return parent === '' ? simple : `${parent}.${simple}`;
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/y;

export function parseJsonWithLocations(text: string): LocatedJson {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, line, pos - lineStart + 1);
  };
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x0a) {
        line++;
        lineStart = ++pos;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
        pos++;
      } else {
        return;
      }
    }
  };
  const describe = (): string => (pos >= text.length ? 'end of file' : `'${text[pos]}'`);

  const parseString = (): string => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) fail('invalid string');
    pos += m![0].length;
    return JSON.parse(m![0]) as string;
  };

  const parseValue = (path: string): unknown => {
    skipSpace();
    lines.set(path, line);
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail(`expected a key in quotes, found ${describe()}`);
        const keyLine = line;
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          line = keyLine;
          fail(`${memberPath(path, key)}: duplicate key`);
        }
        skipSpace();
        if (text[pos] !== ':') fail(`expected ':' after key, found ${describe()}`);
        pos++;
        const child = memberPath(path, key);
        // defineProperty: a "__proto__" key stays a plain (and then unknown) key
        Object.defineProperty(obj, key, { value: parseValue(child), enumerable: true, writable: true, configurable: true });
        lines.set(child, keyLine);
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail(`expected ',' or '}', found ${describe()}`);
      }
    }
    if (c === '[') {
      pos++;
      const arr: unknown[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(memberPath(path, arr.length)));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    LITERAL.lastIndex = pos;
    const lit = LITERAL.exec(text);
    if (!lit) fail(`unexpected ${describe()}`);
    pos += lit![0].length;
    return JSON.parse(lit![0]) as unknown;
  };

  // a UTF-8 byte order mark is harmless; skip it
  if (text.charCodeAt(0) === 0xfeff) pos = lineStart = 1;
  const value = parseValue('');
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describe()} after the end of the document`);
  return { value, lineOf: (path) => lines.get(path) };
}
