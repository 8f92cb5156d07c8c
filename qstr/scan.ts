// Scan mode: finds the qstrs a build needs straight from its sources,
// without running a C preprocessor. Because nothing is preprocessed, names in
// #if-disabled code (and in every file matched, used or not) are collected
// too; the result is a superset of what a preprocessed build would list.
//
// - C/C++ sources and headers: every MP_QSTR_<ident> outside comments and
//   string/char literals (the name read back to text by identToQstr), and
//   `Q(text)` lines as in py/qstrdefs.h. Q lines of all files are added before
//   MP_QSTR_ names, so they decide the spelling of a name.
// - Python sources: what compiling the module interns: identifiers, dotted
//   module names of import statements, and str literals of at most
//   MAX_INTERNED_STRING bytes (the parser interns only short strings).
import fg from 'fast-glob';
import { CompileError } from '../src/errors.ts';
import { Lexer } from '../src/lexer.ts';
import { bytesToByteString } from '../src/objects.ts';
import { MPY_CROSS_FEATURES } from '../src/options.ts';
import { Tok } from '../src/tokens.ts';
import { QstrInputError, type SourcePlace } from './config.ts';
import { identToQstr } from './escape.ts';
import type { QstrDefinitions } from './makeqstrdata.ts';

/** MICROPY_ALLOC_PARSE_INTERN_STRING_LEN: longer string literals are not interned. */
export const MAX_INTERNED_STRING = 10;

export interface FoundQstr {
  /** UTF-8 byte string. */
  readonly qstr: string;
  readonly place: SourcePlace;
}

export interface CScanResult {
  /** Texts of `Q(...)` lines. */
  readonly qLines: FoundQstr[];
  /** MP_QSTR_ names, read back to text. */
  readonly names: FoundQstr[];
}

const MP_QSTR = 'MP_QSTR_';

function isIdentByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

const Q_LINE = /^[ \t]*Q\((.*)\)[ \t]*$/;

/** Collects MP_QSTR_ names and Q(...) lines of one C source (raw bytes). */
export function scanCSource(data: Uint8Array, file: string): CScanResult {
  const qLines: FoundQstr[] = [];
  const names: FoundQstr[] = [];
  const n = data.length;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  // A Q(...) line counts only where a line starts outside a comment.
  const checkQLine = (start: number): void => {
    if (data[start] !== 0x51 && data[start] !== 0x20 && data[start] !== 0x09) return;
    let end = start;
    while (end < n && data[end] !== 0x0a) end++;
    const text = bytesToByteString(data, start, end > start && data[end - 1] === 0x0d ? end - 1 : end);
    const m = Q_LINE.exec(text);
    if (!m) return;
    let q = m[1]!;
    if (q === '\\n') q = '\n';
    else if (q === '\\r\\n') q = '\r\n';
    qLines.push({ qstr: q, place: { file, line } });
  };
  checkQLine(0);
  while (i < n) {
    const c = data[i]!;
    if (c === 0x0a) {
      line++;
      i++;
      lineStart = i;
      checkQLine(i);
      continue;
    }
    if (c === 0x2f && data[i + 1] === 0x2f) {
      // line comment: up to the newline (kept, so line counting sees it)
      while (i < n && data[i] !== 0x0a) i++;
      continue;
    }
    if (c === 0x2f && data[i + 1] === 0x2a) {
      i += 2;
      while (i < n && !(data[i] === 0x2a && data[i + 1] === 0x2f)) {
        if (data[i] === 0x0a) line++;
        i++;
      }
      i += 2;
      continue;
    }
    if (c === 0x22 || c === 0x27) {
      // string or char literal; a newline ends an unterminated one
      i++;
      while (i < n && data[i] !== c && data[i] !== 0x0a) i += data[i] === 0x5c && data[i + 1] !== 0x0a ? 2 : 1;
      if (i < n && data[i] === c) i++;
      continue;
    }
    if (isIdentByte(c)) {
      const start = i;
      while (i < n && isIdentByte(data[i]!)) i++;
      // identifiers only: "xMP_QSTR_a" is not a qstr reference
      if (i - start > MP_QSTR.length && data[start] === 0x4d && bytesToByteString(data, start, start + 8) === MP_QSTR) {
        names.push({ qstr: identToQstr(bytesToByteString(data, start + 8, i)), place: { file, line } });
      }
      continue;
    }
    i++;
  }
  void lineStart;
  return { qLines, names };
}

/** The qstrs compiling one Python module would intern (in source order, with repeats). */
export function scanPythonSource(data: Uint8Array, file: string): FoundQstr[] {
  const found: FoundQstr[] = [];
  let lexer: Lexer;
  try {
    lexer = new Lexer(data, { features: MPY_CROSS_FEATURES, optimize: 0 });
    let inImport = false;
    let chain: string | undefined;
    let chainLine = 0;
    let prev: Tok = Tok.Newline;
    const endChain = (): void => {
      if (chain !== undefined && chain.includes('.')) found.push({ qstr: chain, place: { file, line: chainLine } });
      chain = undefined;
    };
    for (;;) {
      const kind = lexer.tokKind;
      const line = lexer.tokLine;
      if (kind === Tok.End) break;
      if (kind === Tok.Invalid || kind === Tok.LonelyStringOpen || kind === Tok.MalformedFstring || kind === Tok.DedentMismatch) {
        throw new QstrInputError({ file, line }, 'invalid syntax; cannot scan this file for qstrs');
      }
      if (kind === Tok.Name) {
        const name = lexer.tokText;
        found.push({ qstr: name, place: { file, line } });
        if (inImport) {
          if (prev === Tok.DelPeriod && chain !== undefined) chain += '.' + name;
          else {
            endChain();
            chain = name;
            chainLine = line;
          }
        }
      } else {
        if (kind !== Tok.DelPeriod) endChain();
        if (kind === Tok.String && lexer.tokTextLength <= MAX_INTERNED_STRING) {
          found.push({ qstr: lexer.tokText, place: { file, line } });
        } else if (kind === Tok.KwImport || kind === Tok.KwFrom) {
          inImport = true;
        } else if (kind === Tok.Newline || kind === Tok.DelSemicolon) {
          inImport = false;
        }
      }
      prev = kind;
      lexer.next();
    }
    endChain();
  } catch (err) {
    if (err instanceof CompileError) {
      throw new QstrInputError({ file, line: err.line ?? 1 }, `${err.name}: ${err.message}; cannot scan this file for qstrs`);
    }
    throw err;
  }
  return found;
}

function isPythonFile(path: string): boolean {
  return path.endsWith('.py');
}

/**
 * Expands the globs (each one's matches sorted, for a stable result), scans
 * every file, and adds the qstrs: Q(...) lines first, then everything else in
 * file order.
 */
export async function scanSources(
  globs: readonly string[],
  into: QstrDefinitions,
  read: (path: string) => Uint8Array,
): Promise<void> {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const pattern of globs) {
    const matches = (await fg(pattern, { onlyFiles: true, dot: false })).sort();
    if (matches.length === 0) throw new QstrInputError(undefined, `--scan '${pattern}' matches no files`);
    for (const f of matches) {
      if (!seen.has(f)) {
        seen.add(f);
        files.push(f);
      }
    }
  }
  const first: FoundQstr[] = [];
  const rest: FoundQstr[] = [];
  for (const f of files) {
    const data = read(f);
    if (isPythonFile(f)) {
      rest.push(...scanPythonSource(data, f));
    } else {
      const r = scanCSource(data, f);
      first.push(...r.qLines);
      rest.push(...r.names);
    }
  }
  for (const q of first) into.add(q.qstr, q.place);
  for (const q of rest) into.add(q.qstr, q.place);
}
