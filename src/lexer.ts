// Tokeniser: turns source bytes into the token stream the parser consumes,
// following the reference lexer (py/lexer.c) byte for byte. That includes
// its quirks, since they decide which programs compile and to what:
// - adjacent string literals are joined here, not in the parser;
// - f-strings are rewritten into `'...'.format(args)` by injecting the
//   argument text back into the character stream;
// - t-strings become a call to `__template__(...)` the same way;
// - `__debug__` is replaced by True/False according to the -O level.
// All text is handled as bytes; token text is a byte string.
import { CompileError } from './errors.ts';
import type { CompilerFeatures } from './options.ts';
import { Tok } from './tokens.ts';

const TAB_SIZE = 8;
const EOF = 0; // end of input as seen by the lexer
const INVALID_BYTE = 1; // a NUL byte in the input is turned into this

const CH_NL = 0x0a;
const CH_CR = 0x0d;
const CH_TAB = 0x09;
const CH_SQUOTE = 0x27;
const CH_DQUOTE = 0x22;
const CH_BACKSLASH = 0x5c;
const CH_LBRACE = 0x7b;
const CH_RBRACE = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isXDigit(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}
function xdigitValue(c: number): number {
  return isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

/** A growable byte buffer (the reference's vstr). */
class ByteBuf {
  buf = new Uint8Array(64);
  len = 0;

  reset(): void {
    this.len = 0;
  }
  private grow(extra: number): void {
    if (this.len + extra > this.buf.length) {
      let n = this.buf.length * 2;
      while (n < this.len + extra) n *= 2;
      const nb = new Uint8Array(n);
      nb.set(this.buf.subarray(0, this.len));
      this.buf = nb;
    }
  }
  addByte(b: number): void {
    if (this.len >= this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
  }
  /** Adds a code point, UTF-8 encoded (the reference's vstr_add_char). */
  addChar(c: number): void {
    if (c < 0x80) {
      this.addByte(c);
    } else if (c < 0x800) {
      this.addByte(0xc0 | (c >> 6));
      this.addByte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      this.addByte(0xe0 | (c >> 12));
      this.addByte(0x80 | ((c >> 6) & 0x3f));
      this.addByte(0x80 | (c & 0x3f));
    } else {
      this.addByte(0xf0 | (c >> 18));
      this.addByte(0x80 | ((c >> 12) & 0x3f));
      this.addByte(0x80 | ((c >> 6) & 0x3f));
      this.addByte(0x80 | (c & 0x3f));
    }
  }
  addStr(s: string): void {
    for (let i = 0; i < s.length; i++) this.addByte(s.charCodeAt(i));
  }
  addBytes(src: Uint8Array, start: number, end: number): void {
    this.grow(end - start);
    for (let i = start; i < end; i++) this.buf[this.len++] = src[i]!;
  }
  /** Inserts bytes at `pos`. */
  insert(pos: number, src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.grow(n);
    this.buf.copyWithin(pos + n, pos, this.len);
    this.buf.set(src.subarray(start, end), pos);
    this.len += n;
  }
  insertByte(pos: number, b: number): void {
    this.grow(1);
    this.buf.copyWithin(pos + 1, pos, this.len);
    this.buf[pos] = b;
    this.len += 1;
  }
  last(): number {
    return this.buf[this.len - 1]!;
  }
  toByteString(start = 0, end = this.len): string {
    if (end - start <= 16) {
      let short = '';
      for (let i = start; i < end; i++) short += String.fromCharCode(this.buf[i]!);
      return short;
    }
    let out = '';
    const CHUNK = 0x2000;
    for (let i = start; i < end; i += CHUNK) {
      out += String.fromCharCode.apply(null, this.buf.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]);
    }
    return out;
  }
}

// Operator table in the reference's compact encoding: a plain char starts an
// operator; `e<c>` ends it if the next char is <c>; `c<c>` continues matching.
const TOK_ENC = '()[]{},;~:e=<e=c<e=>e=c>e=*e=c*e=+e=-e=e>&e=|e=/e=c/e=%e=^e=@e==e=!.';
const TOK_ENC_KIND: readonly Tok[] = [
  Tok.DelParenOpen, Tok.DelParenClose, Tok.DelBracketOpen, Tok.DelBracketClose,
  Tok.DelBraceOpen, Tok.DelBraceClose, Tok.DelComma, Tok.DelSemicolon, Tok.OpTilde,
  Tok.DelColon, Tok.OpAssign,
  Tok.OpLess, Tok.OpLessEqual, Tok.OpDblLess, Tok.DelDblLessEqual,
  Tok.OpMore, Tok.OpMoreEqual, Tok.OpDblMore, Tok.DelDblMoreEqual,
  Tok.OpStar, Tok.DelStarEqual, Tok.OpDblStar, Tok.DelDblStarEqual,
  Tok.OpPlus, Tok.DelPlusEqual,
  Tok.OpMinus, Tok.DelMinusEqual, Tok.DelMinusMore,
  Tok.OpAmpersand, Tok.DelAmpersandEqual,
  Tok.OpPipe, Tok.DelPipeEqual,
  Tok.OpSlash, Tok.DelSlashEqual, Tok.OpDblSlash, Tok.DelDblSlashEqual,
  Tok.OpPercent, Tok.DelPercentEqual,
  Tok.OpCaret, Tok.DelCaretEqual,
  Tok.OpAt, Tok.DelAtEqual,
  Tok.DelEqual, Tok.OpDblEqual,
];

// For each byte: where its operator entry starts in TOK_ENC and its index in
// TOK_ENC_KIND, or -1 if no operator starts with it.
const OP_START_POS = new Int16Array(256).fill(-1);
const OP_START_INDEX = new Int16Array(256).fill(-1);
{
  let index = 0;
  for (let t = 0; t < TOK_ENC.length; t++) {
    const c = TOK_ENC.charCodeAt(t);
    if (c === 0x65 || c === 0x63) {
      t += 1; // 'e'/'c' plus the char it qualifies
    } else if (OP_START_POS[c] === -1) {
      OP_START_POS[c] = t;
      OP_START_INDEX[c] = index;
    }
    index += 1;
  }
}

const KEYWORDS: ReadonlyArray<readonly [string, Tok]> = [
  ['False', Tok.KwFalse], ['None', Tok.KwNone], ['True', Tok.KwTrue], ['__debug__', Tok.KwDebug],
  ['and', Tok.KwAnd], ['as', Tok.KwAs], ['assert', Tok.KwAssert], ['async', Tok.KwAsync],
  ['await', Tok.KwAwait], ['break', Tok.KwBreak], ['class', Tok.KwClass], ['continue', Tok.KwContinue],
  ['def', Tok.KwDef], ['del', Tok.KwDel], ['elif', Tok.KwElif], ['else', Tok.KwElse],
  ['except', Tok.KwExcept], ['finally', Tok.KwFinally], ['for', Tok.KwFor], ['from', Tok.KwFrom],
  ['global', Tok.KwGlobal], ['if', Tok.KwIf], ['import', Tok.KwImport], ['in', Tok.KwIn],
  ['is', Tok.KwIs], ['lambda', Tok.KwLambda], ['nonlocal', Tok.KwNonlocal], ['not', Tok.KwNot],
  ['or', Tok.KwOr], ['pass', Tok.KwPass], ['raise', Tok.KwRaise], ['return', Tok.KwReturn],
  ['try', Tok.KwTry], ['while', Tok.KwWhile], ['with', Tok.KwWith], ['yield', Tok.KwYield],
];
const KEYWORD_MAP: ReadonlyMap<string, Tok> = new Map(KEYWORDS);

export interface LexerOptions {
  features: Readonly<CompilerFeatures>;
  /** -O level; decides what `__debug__` becomes. */
  optimize: number;
}

export class Lexer {
  private readonly src: Uint8Array;
  private srcPos = 0;
  private readonly fstrings: boolean;
  private readonly tstrings: boolean;
  private readonly asyncKeywords: boolean;
  private readonly optimize: number;

  private chr0 = 0;
  private chr1 = 0;
  private chr2 = 0;

  private line = 1;
  private column = -2; // three priming reads bring this to 1

  private emitDent = 0;
  private nestedBracketLevel = 0;
  private readonly indentLevels: number[] = [0];

  // characters being fed back into the stream (f-string arguments)
  private readonly inject = new ByteBuf();
  private injectIdx = 0;
  private readonly fstringArgs = new ByteBuf();

  /** Current token. */
  tokLine = 1;
  tokColumn = 1;
  tokKind: Tok = Tok.End;
  private readonly vstr = new ByteBuf();

  constructor(source: Uint8Array, options: LexerOptions) {
    this.src = source;
    this.fstrings = options.features.MICROPY_PY_FSTRINGS;
    this.tstrings = this.fstrings && options.features.MICROPY_PY_TSTRINGS;
    this.asyncKeywords = options.features.MICROPY_PY_ASYNC_AWAIT;
    this.optimize = options.optimize;
    this.nextChar();
    this.nextChar();
    this.nextChar();
    this.next();
    // A first token not in column 1 becomes INDENT so the parser rejects it.
    if (this.tokColumn !== 1 && this.tokKind !== Tok.Newline) this.tokKind = Tok.Indent;
  }

  private textCache: string | undefined;

  /** Text of the current token (byte string): name, number, or string contents. */
  get tokText(): string {
    return (this.textCache ??= this.vstr.toByteString());
  }
  get tokTextLength(): number {
    return this.vstr.len;
  }

  // ---- character queue ----

  private nextChar(): void {
    if (this.chr0 === CH_NL) {
      this.line += 1;
      this.column = 1;
    } else if (this.chr0 === CH_TAB) {
      this.column = Math.floor((this.column - 1 + TAB_SIZE) / TAB_SIZE) * TAB_SIZE + 1;
    } else {
      this.column += 1;
    }
    this.chr0 = this.chr1;
    this.chr1 = this.chr2;
    let c2: number;
    for (;;) {
      if (this.injectIdx !== 0) {
        c2 = this.inject.buf[this.injectIdx++]!;
        if (this.injectIdx >= this.inject.len) {
          this.inject.reset();
          this.injectIdx = 0;
        }
      } else if (this.srcPos < this.src.length) {
        c2 = this.src[this.srcPos++]!;
        if (c2 === EOF) c2 = INVALID_BYTE;
      } else {
        c2 = EOF;
      }
      if (this.chr1 === CH_CR) {
        // CR and CR LF both become LF
        this.chr1 = CH_NL;
        if (c2 === CH_NL) continue;
      }
      break;
    }
    // make sure the input ends with a newline
    if (c2 === EOF && this.chr1 !== EOF && this.chr1 !== CH_NL) c2 = CH_NL;
    this.chr2 = c2;
  }

  private isEnd(): boolean {
    return this.chr0 === EOF;
  }
  private is(c: number): boolean {
    return this.chr0 === c;
  }

  private isStringOrBytes(): boolean {
    const c0 = this.chr0;
    const c1 = this.chr1;
    if (c0 === CH_SQUOTE || c0 === CH_DQUOTE) return true;
    const q1 = c1 === CH_SQUOTE || c1 === CH_DQUOTE;
    const q2 = this.chr2 === CH_SQUOTE || this.chr2 === CH_DQUOTE;
    const r = 0x72 /* r */, b = 0x62 /* b */, f = 0x66 /* f */, t = 0x74 /* t */, u = 0x75 /* u */;
    if (q1 && (c0 === r || c0 === u || c0 === b || (this.fstrings && c0 === f) || (this.tstrings && c0 === t))) {
      return true;
    }
    if (q2) {
      if ((c0 === r && c1 === b) || (c0 === b && c1 === r)) return true;
      if (this.fstrings && ((c0 === r && c1 === f) || (c0 === f && c1 === r))) return true;
      if (this.tstrings && ((c0 === r && c1 === t) || (c0 === t && c1 === r))) return true;
    }
    return false;
  }

  private isHeadOfIdentifier(): boolean {
    const c = this.chr0;
    return isAlpha(c) || c === 0x5f || c >= 0x80;
  }
  private isTailOfIdentifier(): boolean {
    return this.isHeadOfIdentifier() || isDigit(this.chr0);
  }

  // ---- helpers ----

  private getHex(numDigits: number): number | undefined {
    let num = 0;
    while (numDigits-- !== 0) {
      this.nextChar();
      const c = this.chr0;
      if (!isXDigit(c)) return undefined;
      num = num * 16 + xdigitValue(c);
    }
    return num;
  }

  private parseStringLiteral(isRaw: boolean, isFstring: boolean, isTstring: boolean): void {
    const vstr = this.vstr;
    const fargs = this.fstringArgs;
    const quoteChar = this.is(CH_DQUOTE) ? CH_DQUOTE : CH_SQUOTE;
    this.nextChar();
    let numQuotes: number;
    if (this.chr0 === quoteChar && this.chr1 === quoteChar) {
      this.nextChar();
      this.nextChar();
      numQuotes = 3;
    } else {
      numQuotes = 1;
    }

    let nClosing = 0;
    if (isFstring && fargs.len === 0) fargs.addStr('.format(');
    if (isTstring && fargs.len === 0) {
      vstr.addByte(0x28);
      vstr.addByte(0x28);
      for (let q = 0; q < numQuotes; ++q) vstr.addByte(quoteChar);
    }

    let tstringNumInterpolations = 0;
    let endOfFormatIndex = 0;
    let nestedFormattingInTstring = 0;
    let nestedFormattingNeedsFstring = false;

    outer: while (!this.isEnd() && (numQuotes > 1 || !this.is(CH_NL)) && nClosing < numQuotes) {
      if (this.is(quoteChar)) {
        nClosing += 1;
        vstr.addByte(this.chr0);
      } else if (isTstring && this.is(CH_NL)) {
        vstr.addByte(CH_BACKSLASH);
        vstr.addByte(0x6e /* n */);
      } else {
        nClosing = 0;

        while ((isFstring || isTstring) && this.is(CH_LBRACE)) {
          if (nestedFormattingInTstring) {
            ++nestedFormattingInTstring;
            break;
          }
          this.nextChar();
          if (this.is(CH_LBRACE)) {
            // "{{" stays for str.format to handle
            if (!isTstring) vstr.addByte(CH_LBRACE);
            this.nextChar();
          } else {
            // each argument is wrapped in (), e.g. f"{a,b,}" -> "{}".format((a,b,),)
            fargs.addByte(0x28);
            const argStart = fargs.len;
            // Copy the expression up to a top-level ':', '}' or a '!r'/'!s'
            // conversion; the rest stays in the format string.
            let nestedBracketLevel = 0;
            while (
              !this.isEnd() &&
              (nestedBracketLevel !== 0 ||
                !(
                  this.chr0 === 0x3a /* : */ ||
                  this.chr0 === CH_RBRACE ||
                  (this.chr0 === 0x21 /* ! */ &&
                    (this.chr1 === 0x72 /* r */ || this.chr1 === 0x73 /* s */) &&
                    (this.chr2 === 0x3a /* : */ || this.chr2 === CH_RBRACE))
                ))
            ) {
              const c = this.chr0;
              if (c === 0x5b /* [ */ || c === CH_LBRACE) nestedBracketLevel += 1;
              else if (c === 0x5d /* ] */ || c === CH_RBRACE) nestedBracketLevel -= 1;
              fargs.addByte(c);
              this.nextChar();
            }
            let wasDebug = false;
            if (fargs.last() === 0x3d /* = */) {
              // f'{a=}' -> 'a={}'.format(a)
              vstr.addBytes(fargs.buf, argStart, fargs.len);
              fargs.len--;
              wasDebug = true;
            }
            if (isTstring) {
              while (fargs.len && isSpace(fargs.buf[fargs.len - 1]!)) fargs.len--;
            }
            if (fargs.len === argStart) {
              // empty expression, e.g. f'{}'
              this.tokKind = Tok.MalformedFstring;
            }
            fargs.addByte(0x29);
            fargs.addByte(0x2c);
            if (isTstring) {
              // the expression's source text, quoted, for the interpolation
              fargs.addByte(quoteChar);
              const nn = fargs.len - argStart - 3;
              for (let j = 0; j < nn; ++j) {
                const b = fargs.buf[argStart + j]!;
                if (b === quoteChar || b === CH_BACKSLASH) fargs.addByte(CH_BACKSLASH);
                fargs.addByte(b);
              }
              fargs.addByte(quoteChar);
              fargs.addByte(0x2c);
              // the next literal part becomes the next __template__ argument
              for (let q = 0; q < numQuotes; ++q) vstr.addByte(quoteChar);
              vstr.addByte(0x2c);
              for (let q = 0; q < numQuotes; ++q) vstr.addByte(quoteChar);
              // conversion and format spec
              if (this.is(0x21 /* ! */)) {
                this.nextChar();
                fargs.addByte(quoteChar);
                fargs.addByte(this.chr0);
                this.nextChar();
                fargs.addByte(quoteChar);
                fargs.addByte(0x2c);
              } else if (wasDebug && !this.is(0x3a /* : */)) {
                fargs.addStr("'r',");
              } else {
                fargs.addStr('None,');
              }
              if (this.is(0x3a /* : */)) this.nextChar();
              nestedFormattingInTstring = 1;
              endOfFormatIndex = vstr.len;
            }
          }
          vstr.addByte(CH_LBRACE);
          continue outer;
        }

        if (isTstring && this.is(CH_BACKSLASH)) {
          // the text is parsed again as a string later, so keep the escape
          vstr.addByte(CH_BACKSLASH);
          if (isRaw) {
            vstr.addByte(CH_BACKSLASH);
          } else {
            this.nextChar();
            vstr.addByte(this.chr0);
          }
        } else if (this.is(CH_BACKSLASH)) {
          this.nextChar();
          let c = this.chr0;
          if (isRaw) {
            // raw strings keep the backslash (it still escapes a quote)
            vstr.addChar(CH_BACKSLASH);
          } else {
            switch (c) {
              case CH_NL:
                // escaped newline: dropped
                this.nextChar();
                continue outer;
              case CH_BACKSLASH:
              case CH_SQUOTE:
              case CH_DQUOTE:
                break;
              case 0x61: // a
                c = 0x07;
                break;
              case 0x62: // b
                c = 0x08;
                break;
              case 0x74: // t
                c = 0x09;
                break;
              case 0x6e: // n
                c = 0x0a;
                break;
              case 0x76: // v
                c = 0x0b;
                break;
              case 0x66: // f
                c = 0x0c;
                break;
              case 0x72: // r
                c = 0x0d;
                break;
              case 0x75: // u
              case 0x55: // U
              case 0x78: {
                // x
                if (c !== 0x78 && this.tokKind === Tok.Bytes) {
                  // b'\u1234' is b'\\u1234'
                  vstr.addChar(CH_BACKSLASH);
                  break;
                }
                const num = this.getHex(c === 0x78 ? 2 : c === 0x75 ? 4 : 8);
                if (num === undefined) {
                  this.tokKind = Tok.Invalid;
                  c = 0;
                } else {
                  c = num;
                }
                break;
              }
              case 0x4e: // N
                throw new CompileError('NotImplementedError', 'unicode name escapes');
              default:
                if (c >= 0x30 && c <= 0x37) {
                  // octal escape, 1 to 3 digits
                  let digits = 3;
                  let num = c - 0x30;
                  while (this.chr1 >= 0x30 && this.chr1 <= 0x37 && --digits !== 0) {
                    this.nextChar();
                    num = num * 8 + (this.chr0 - 0x30);
                  }
                  c = num;
                } else {
                  // unknown escape: kept verbatim, backslash included
                  vstr.addChar(CH_BACKSLASH);
                }
                break;
            }
          }
          if (c < 0x110000 && this.tokKind === Tok.String) {
            vstr.addChar(c);
          } else if (c < 0x100 && this.tokKind === Tok.Bytes) {
            vstr.addByte(c);
          } else {
            // out of range for the literal's type (or already an invalid token)
            this.tokKind = Tok.Invalid;
          }
        } else if (isTstring && nestedFormattingInTstring && this.is(CH_RBRACE)) {
          if (--nestedFormattingInTstring > 0) {
            nestedFormattingNeedsFstring = true;
            vstr.addByte(this.chr0);
          } else {
            // end of this interpolation: its format spec becomes an argument
            ++tstringNumInterpolations;
            if (nestedFormattingNeedsFstring) {
              fargs.addByte(0x66 /* f */);
              nestedFormattingNeedsFstring = false;
            }
            fargs.addByte(quoteChar);
            fargs.addBytes(vstr.buf, endOfFormatIndex + 1, vstr.len);
            vstr.len = endOfFormatIndex;
            fargs.addByte(quoteChar);
            fargs.addByte(0x2c);
          }
        } else {
          // raw byte, so any UTF-8 passes through untouched
          vstr.addByte(this.chr0);
          if (isTstring && this.chr0 === CH_RBRACE && this.chr1 === CH_RBRACE) {
            this.nextChar();
          } else if (isTstring && this.is(CH_RBRACE)) {
            this.tokKind = Tok.MalformedFstring;
          }
        }
      }
      this.nextChar();
    }

    if (nClosing < numQuotes) this.tokKind = Tok.LonelyStringOpen;

    if (isTstring) {
      if (nestedFormattingInTstring > 0) this.tokKind = Tok.MalformedFstring;
      if (1 + tstringNumInterpolations * 4 > 255) {
        // too many arguments for one call: pass the interpolations as a tuple
        fargs.insertByte(0, 0x28);
        fargs.addByte(0x29);
      }
    } else {
      vstr.len -= nClosing;
    }
  }

  /** Skips spaces, comments and line continuations; true if it stopped at a newline. */
  private skipWhitespace(stopAtNewline: boolean): boolean {
    while (!this.isEnd()) {
      const c = this.chr0;
      if (c === CH_NL) {
        if (stopAtNewline && this.nestedBracketLevel === 0) return true;
        this.nextChar();
      } else if (isSpace(c)) {
        this.nextChar();
      } else if (c === 0x23) {
        this.nextChar();
        while (!this.isEnd() && this.chr0 !== CH_NL) this.nextChar();
      } else if (c === CH_BACKSLASH && this.chr1 === CH_NL) {
        this.nextChar();
        this.nextChar();
      } else {
        break;
      }
    }
    return false;
  }

  /** Advances to the next token. */
  next(): void {
    this.vstr.reset();
    this.textCache = undefined;
    const hadPhysicalNewline = this.skipWhitespace(true);
    this.tokLine = this.line;
    this.tokColumn = this.column;

    if (this.emitDent < 0) {
      this.tokKind = Tok.Dedent;
      this.emitDent += 1;
    } else if (this.emitDent > 0) {
      this.tokKind = Tok.Indent;
      this.emitDent -= 1;
    } else if (hadPhysicalNewline) {
      this.skipWhitespace(false);
      this.tokKind = Tok.Newline;
      const numSpaces = this.column - 1;
      const levels = this.indentLevels;
      let top = levels[levels.length - 1]!;
      if (numSpaces === top) {
        // same level
      } else if (numSpaces > top) {
        levels.push(numSpaces);
        this.emitDent += 1;
      } else {
        while (numSpaces < top) {
          levels.pop();
          this.emitDent -= 1;
          top = levels[levels.length - 1]!;
        }
        if (numSpaces !== top) this.tokKind = Tok.DedentMismatch;
      }
    } else if (this.isEnd()) {
      this.tokKind = Tok.End;
    } else if (this.isStringOrBytes()) {
      this.lexStrings();
    } else if (this.isHeadOfIdentifier()) {
      this.lexName();
    } else if (isDigit(this.chr0) || (this.chr0 === 0x2e /* . */ && isDigit(this.chr1))) {
      this.lexNumber();
    } else {
      this.lexOperator();
    }
  }

  private lexStrings(): void {
    // Tok.End marks "no literal seen yet"
    this.tokKind = Tok.End;
    let hadTstring = false;
    const r = 0x72 /* r */, b = 0x62 /* b */, f = 0x66 /* f */, t = 0x74 /* t */, u = 0x75 /* u */;
    do {
      let isRaw = false;
      let isFstring = false;
      let isTstring = false;
      let kind = Tok.String;
      let nChar = 0;
      const c0 = this.chr0;
      const c1 = this.chr1;
      if (c0 === u) {
        nChar = 1;
      } else if (c0 === b) {
        kind = Tok.Bytes;
        nChar = 1;
        if (c1 === r) {
          isRaw = true;
          nChar = 2;
        }
      } else if (c0 === r) {
        isRaw = true;
        nChar = 1;
        if (c1 === b) {
          kind = Tok.Bytes;
          nChar = 2;
        } else if (this.fstrings && c1 === f) {
          isFstring = true;
          nChar = 2;
        } else if (this.tstrings && c1 === t) {
          isTstring = true;
          nChar = 2;
        }
      } else if (this.fstrings && c0 === f) {
        isFstring = true;
        nChar = 1;
        if (c1 === r) {
          isRaw = true;
          nChar = 2;
        }
      } else if (this.tstrings && c0 === t) {
        isTstring = true;
        nChar = 1;
        if (c1 === r) {
          isRaw = true;
          nChar = 2;
        }
      }
      if (isTstring) hadTstring = true;

      if (this.tokKind === Tok.End) {
        this.tokKind = kind;
      } else if (this.tokKind !== kind) {
        // str and bytes do not concatenate
        break;
      }
      if (nChar !== 0) {
        this.nextChar();
        if (nChar === 2) this.nextChar();
      }
      this.parseStringLiteral(isRaw, isFstring, isTstring);
      this.skipWhitespace(true);
    } while (this.isStringOrBytes());

    const vstr = this.vstr;
    const fargs = this.fstringArgs;
    if (hadTstring) {
      vstr.addByte(0x2c);
      vstr.addByte(0x29);
      vstr.addByte(0x2c);
      fargs.insert(0, vstr.buf, 0, vstr.len);
      if (this.tokKind > Tok.MalformedFstring) {
        // the token becomes the name of the function to call
        this.tokKind = Tok.Name;
        vstr.reset();
        vstr.addStr('__template__');
      }
    }

    if (fargs.len) {
      // f-string complete: feed `.format(args)` back into the stream
      fargs.addByte(0x29);
      const inject = this.inject;
      if (this.injectIdx === 0) {
        inject.addByte(this.chr0);
        inject.addByte(this.chr1);
        inject.addByte(this.chr2);
      } else {
        // already injecting: rewind the three cached chars and insert before them
        this.injectIdx -= 3;
      }
      inject.insert(this.injectIdx, fargs.buf, 0, fargs.len);
      fargs.reset();
      this.chr0 = inject.buf[this.injectIdx++]!;
      this.chr1 = inject.buf[this.injectIdx++]!;
      this.chr2 = inject.buf[this.injectIdx++]!;
    }
  }

  private lexName(): void {
    this.tokKind = Tok.Name;
    const vstr = this.vstr;
    vstr.addByte(this.chr0);
    this.nextChar();
    while (!this.isEnd() && this.isTailOfIdentifier()) {
      vstr.addByte(this.chr0);
      this.nextChar();
    }
    // keywords are at most 9 chars; skip the lookup for longer names
    if (vstr.len <= 9) {
      const kw = KEYWORD_MAP.get(this.tokText);
      if (kw !== undefined && (this.asyncKeywords || (kw !== Tok.KwAsync && kw !== Tok.KwAwait))) {
        this.tokKind = kw === Tok.KwDebug ? (this.optimize === 0 ? Tok.KwTrue : Tok.KwFalse) : kw;
      }
    }
  }

  private lexNumber(): void {
    const vstr = this.vstr;
    let forcedInteger = false;
    if (this.is(0x2e /* . */)) {
      this.tokKind = Tok.FloatOrImag;
    } else {
      this.tokKind = Tok.Integer;
      const c1 = this.chr1 | 0x20;
      if (this.is(0x30 /* 0 */) && (c1 === 0x62 /* b */ || c1 === 0x6f /* o */ || c1 === 0x78 /* x */)) forcedInteger = true;
    }
    vstr.addByte(this.chr0);
    this.nextChar();
    while (!this.isEnd()) {
      const c = this.chr0;
      if (!forcedInteger && (c === 0x65 /* e */ || c === 0x45 /* E */)) {
        this.tokKind = Tok.FloatOrImag;
        vstr.addByte(0x65 /* e */);
        this.nextChar();
        if (this.is(0x2b /* + */) || this.is(0x2d /* - */)) {
          vstr.addByte(this.chr0);
          this.nextChar();
        }
      } else if (isAlpha(c) || isDigit(c) || c === 0x2e /* . */) {
        if (c === 0x2e /* . */ || c === 0x6a /* j */ || c === 0x4a /* J */) this.tokKind = Tok.FloatOrImag;
        vstr.addByte(c);
        this.nextChar();
      } else if (c === 0x5f) {
        this.nextChar();
      } else {
        break;
      }
    }
  }

  private lexOperator(): void {
    const c = this.chr0;
    let t: number = OP_START_POS[c]!;
    let encIndex: number = OP_START_INDEX[c]!;
    this.nextChar();
    if (t < 0) {
      this.tokKind = Tok.Invalid;
    } else if (c === 0x21 /* ! */) {
      if (this.is(0x3d /* = */)) {
        this.nextChar();
        this.tokKind = Tok.OpNotEqual;
      } else {
        this.tokKind = Tok.Invalid;
      }
    } else if (c === 0x2e /* . */) {
      if (this.chr0 === 0x2e /* . */ && this.chr1 === 0x2e /* . */) {
        this.nextChar();
        this.nextChar();
        this.tokKind = Tok.Ellipsis;
      } else {
        this.tokKind = Tok.DelPeriod;
      }
    } else {
      t += 1;
      let tIndex = encIndex;
      for (;;) {
        const e = TOK_ENC.charCodeAt(t);
        if (e !== 0x63 /* c */ && e !== 0x65 /* e */) break;
        tIndex += 1;
        if (this.is(TOK_ENC.charCodeAt(t + 1))) {
          this.nextChar();
          encIndex = tIndex;
          if (e === 0x65 /* e */) break;
        } else if (e === 0x63 /* c */) {
          break;
        }
        t += 2;
      }
      const kind = TOK_ENC_KIND[encIndex]!;
      this.tokKind = kind;
      if (kind === Tok.DelParenOpen || kind === Tok.DelBracketOpen || kind === Tok.DelBraceOpen) {
        this.nestedBracketLevel += 1;
      } else if (kind === Tok.DelParenClose || kind === Tok.DelBracketClose || kind === Tok.DelBraceClose) {
        this.nestedBracketLevel -= 1;
      }
    }
  }
}
