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
}

/**
 * Compiles one module to .mpy bytes. Throws `CompileError` for bad input;
 * any other exception is a bug in this compiler.
 */
export function compile(source: Uint8Array | string, request: CompileRequest = {}): Uint8Array {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const options: CompileOptions = {
    ...defaultCompileOptions(textToByteString(request.sourceName ?? '<stdin>')),
    ...request,
    sourceName: textToByteString(request.sourceName ?? '<stdin>'),
  };
  // A fresh pool per module: the reference interns into a fresh process each time.
  const pool = new QstrPool();
  const tree = parse(bytes, options, pool);
  const module = compileModule(tree, options, pool);
  return writeMpy(module, options);
}
