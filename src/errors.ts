// Errors a compile can end with, printed the way the reference mpy-cross prints them.

export type CompileErrorKind =
  | 'SyntaxError'
  | 'IndentationError'
  | 'RuntimeError'
  | 'NotImplementedError'
  | 'ViperTypeError'
  | 'ValueError'
  | 'OverflowError'
  | 'MemoryError';

/**
 * A compile failure. `line` is set when the reference prints a traceback
 * location (`File "x.py", line N`); `scopeName` when it adds `, in NAME`
 * (errors raised by the compiler proper carry the enclosing scope's name,
 * lexer/parser errors do not).
 */
export class CompileError extends Error {
  constructor(
    readonly kind: CompileErrorKind,
    message: string,
    readonly line?: number,
    readonly scopeName?: string,
  ) {
    super(message);
    this.name = kind;
  }

  /** Exactly what the reference writes to stderr for this error. */
  format(sourceName: string): string {
    let out = '';
    if (this.line !== undefined) {
      out += 'Traceback (most recent call last):\n';
      out += `  File "${sourceName}", line ${this.line}`;
      if (this.scopeName !== undefined) out += `, in ${this.scopeName}`;
      out += '\n';
    }
    return out + `${this.kind}: ${this.message}\n`;
  }
}

/**
 * The program nests deeper than this thread's JS stack allows. Reported like
 * the reference's stack check; a caller may retry on a thread with a larger
 * stack, where the same program can compile.
 */
export class RecursionLimitError extends CompileError {
  constructor() {
    super('RuntimeError', 'maximum recursion depth exceeded');
  }
}
