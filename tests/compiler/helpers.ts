// Compile a snippet with our pipeline and read the result back with the .mpy reader.
import { compile, type CompileRequest } from '../../src/compile.ts';
import { CompileError } from '../../src/errors.ts';
import { readMpy, type MpyFile, type MpyRawCode } from '../../src/mpy-reader.ts';
import { Op } from '../../src/bytecode.ts';

export function build(src: string, req: CompileRequest = {}): MpyFile {
  return readMpy(compile(src, { sourceName: 't.py', ...req }));
}

/** The error text the CLI would print for a snippet that must fail. */
export function compileError(src: string, req: CompileRequest = {}): string {
  try {
    compile(src, { sourceName: 't.py', ...req });
  } catch (e) {
    if (e instanceof CompileError) return e.format('t.py');
    throw e;
  }
  throw new Error('expected a compile error');
}

export function qstrNames(m: MpyFile, indices: readonly number[]): string[] {
  return indices.map((i) => m.qstrs[i]!.value);
}

/** Depth-first list of all raw codes with their simple names. */
export function allCode(m: MpyFile): { name: string; rc: MpyRawCode }[] {
  const out: { name: string; rc: MpyRawCode }[] = [];
  const walk = (rc: MpyRawCode): void => {
    out.push({ name: m.qstrs[rc.prelude!.simpleName]!.value, rc });
    rc.children.forEach(walk);
  };
  walk(m.root);
  return out;
}

export function code(m: MpyFile, name: string): MpyRawCode {
  const found = allCode(m).find((c) => c.name === name);
  if (!found) throw new Error(`no raw code named ${name}`);
  return found.rc;
}

export function opNames(rc: MpyRawCode): string[] {
  return rc.ops!.map((o) => o.name);
}

/** The opcode bytes (without the prelude) of a raw code. */
export function opcodeBytes(rc: MpyRawCode): number[] {
  return [...rc.funData.subarray(rc.prelude!.opcodesStart)];
}

export { Op };
