// The inline assemblers (@micropython.asm_thumb, asm_xtensa, asm_rv32): what
// the compiler's compile_scope_inline_asm drives, and which -march gets which.
import type { ParseNode } from './parsenode.ts';
import { InlineThumbEmitter, inlineThumbArchSupported } from './emit-inline-thumb.ts';
import { InlineRv32Emitter, inlineRv32ArchSupported } from './emit-inline-rv32.ts';
import { InlineXtensaEmitter, inlineXtensaArchSupported } from './emit-inline-xtensa.ts';

/** One architecture's inline assembler, run once per pass over a function. */
export interface InlineAssembler {
  /** the pending error message (a SyntaxError), or null */
  readonly error: string | null;
  /** `emit`: false for a code-size pass (measures, records labels), true for the emit pass */
  startPass(emit: boolean): void;
  endPass(): void;
  getCode(): Uint8Array;
  /** checks the parameters (registers in sequence) and returns how many there are */
  countParams(params: readonly ParseNode[]): number;
  /** false if the name is already a label of this function */
  label(labelNum: number, name: string): boolean;
  align(align: bigint): void;
  data(byteSize: bigint, value: bigint): void;
  op(op: string, args: readonly ParseNode[]): void;
}

/** How the compiler runs an architecture's inline assembler. */
export interface InlineAssemblerKind {
  /** `archFlags`: -march-flags (RISC-V optional extensions) */
  create(arch: string, archFlags: number): InlineAssembler;
  /** code-size passes before the emit pass (Xtensa needs a second one for its literal pool) */
  readonly sizePasses: number;
}

const THUMB: InlineAssemblerKind = { create: (arch) => new InlineThumbEmitter(arch), sizePasses: 1 };
// the first code-size pass counts the literals, the second places the code after their table
const XTENSA: InlineAssemblerKind = { create: (arch) => new InlineXtensaEmitter(arch), sizePasses: 2 };
const RV32: InlineAssemblerKind = { create: (arch, archFlags) => new InlineRv32Emitter(arch, archFlags), sizePasses: 1 };

/** The inline assembler this compiler has for `arch`, or undefined (not implemented here). */
export function inlineAssemblerFor(arch: string | undefined): InlineAssemblerKind | undefined {
  if (inlineThumbArchSupported(arch)) return THUMB;
  if (inlineXtensaArchSupported(arch)) return XTENSA;
  if (inlineRv32ArchSupported(arch)) return RV32;
  return undefined;
}
