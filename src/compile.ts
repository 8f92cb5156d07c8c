// The compiler pipeline: source bytes -> parse tree -> raw code -> .mpy bytes.
// Each stage lives in its own module; data flows one way.
import { parse } from './parser.ts';
import { compileModule } from './compiler.ts';
import { writeMpy } from './writer.ts';
import { QstrPool } from '../qstr/pool.ts';
import { defaultCompileOptions, type CompileOptions } from './options.ts';
import { textToByteString } from './objects.ts';

export { CompileError } from './errors.ts';
export type { CompileOptions } from './options.ts';

export interface CompileRequest extends Partial<Omit<CompileOptions, 'sourceName'>> {
  /** Source name as it should appear in the .mpy and in tracebacks (plain text). */
  sourceName?: string;
  /**
   * The path the source was read from, as given (plain text; defaults to
   * sourceName). mpy-cross interns it before parsing, and a long string
   * literal equal to an interned name becomes a qstr instead of a constant
   * object, so it can change the output.
   */
  inputPath?: string;
}

/**
 * Compiles one module to .mpy bytes. Throws `CompileError` for bad input;
 * any other exception is a bug in this compiler.
 */
export function compile(source: Uint8Array | string, request: CompileRequest = {}): Uint8Array {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const { inputPath, ...settings } = request;
  const sourceName = textToByteString(request.sourceName ?? '<stdin>');
  const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  const options: CompileOptions = { ...defaultCompileOptions(sourceName), ...given, sourceName };
  // A fresh pool per module, as the reference compiles each file in a fresh
  // process, holding what it interns before parsing: the input path, then the -s name.
  const pool = new QstrPool();
  pool.intern(inputPath === undefined ? sourceName : textToByteString(inputPath));
  pool.intern(sourceName);
  const tree = parse(bytes, options, pool);
  const module = compileModule(tree, options, pool);
  return writeMpy(module, options);
}
