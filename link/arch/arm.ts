// ARM relocation application, as GNU ld (elf32-arm.c) does it for a static
// bare-metal link: addends read from the instruction (REL), interworking by
// rewriting BL <-> BLX, and calls to undefined weak symbols turned into NOPs.
// Cases where GNU ld would add a veneer (stub) fail loudly instead.
import { LinkError, hex } from '../errors.ts';
import { BranchType } from '../input-files.ts';
import { CpuArch, type ArmAttributes } from '../elf/attributes.ts';

export enum R {
  NONE = 0,
  PC24 = 1,
  ABS32 = 2,
  REL32 = 3,
  ABS16 = 5,
  ABS8 = 8,
  THM_CALL = 10,
  CALL = 28,
  JUMP24 = 29,
  THM_JUMP24 = 30,
  TARGET1 = 38,
  V4BX = 40,
  TARGET2 = 41,
  PREL31 = 42,
  MOVW_ABS_NC = 43,
  MOVT_ABS = 44,
  MOVW_PREL_NC = 45,
  MOVT_PREL = 46,
  THM_MOVW_ABS_NC = 47,
  THM_MOVT_ABS = 48,
  THM_MOVW_PREL_NC = 49,
  THM_MOVT_PREL = 50,
  THM_JUMP19 = 51,
  THM_JUMP11 = 102,
  THM_JUMP8 = 103,
}

export const RELOCATION_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(R).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, `R_ARM_${k}`]),
);

export function relocationName(type: number): string {
  return RELOCATION_NAMES[type] ?? `relocation type ${type}`;
}

/** What the target architecture allows; decided from the merged build attributes like GNU ld. */
export interface ArmTarget {
  /** BL may become BLX (GNU ld: v5T and later; with its default --fix-arm1176, v6T2 or newer than v6K) */
  readonly useBlx: boolean;
  /** Thumb-2 branch encodings and NOP.W exist */
  readonly thumb2: boolean;
  /** the ARM NOP instruction (v6K / v6T2 / v7+) exists; otherwise MOV r0, r0 */
  readonly armNop: boolean;
  /** GNU ld enables its Cortex-A8 erratum workaround by default for ARMv7-A outputs (arm-stubs.ts) */
  readonly fixCortexA8: boolean;
  /** Thumb BL reaches +-16 MB (Thumb-2 and ARMv6-M), not +-4 MB */
  readonly thumb2Bl: boolean;
  /** the core has ARM state (not an M-profile Thumb-only core) */
  readonly armIsa: boolean;
}

export function armTarget(attrs: ArmAttributes): ArmTarget {
  const a = attrs.cpuArch;
  const useBlx = a === CpuArch.V6T2 || a > CpuArch.V6K;
  const thumb2 = attrs.thumbIsa !== 0 && attrs.thumbIsa !== 3
    ? attrs.thumbIsa === 2
    : a === CpuArch.V6T2 || a === CpuArch.V7 || a === CpuArch.V7E_M || a === CpuArch.V8 || a === CpuArch.V8R || a === CpuArch.V8M_MAIN;
  const armNop = a === CpuArch.V6T2 || a === CpuArch.V6K || a === CpuArch.V7 || a === CpuArch.V8 || a === CpuArch.V8R;
  const fixCortexA8 = a === CpuArch.V7 && (attrs.profile === 0x41 || attrs.profile === 0);
  const thumb2Bl = thumb2 || a === CpuArch.V6_M || a === CpuArch.V6S_M;
  const armIsa = attrs.profile !== 0
    ? attrs.profile !== 0x4d
    : a !== CpuArch.V6_M && a !== CpuArch.V6S_M && a !== CpuArch.V7E_M && a !== CpuArch.V8M_BASE && a !== CpuArch.V8M_MAIN;
  return { useBlx, thumb2, armNop, fixCortexA8, thumb2Bl, armIsa };
}

/** Everything one relocation needs, already resolved. */
export interface RelocSite {
  readonly type: number;
  /** buffer holding the section's output bytes, and the offset of the field in it */
  readonly buf: Uint8Array;
  readonly dv: DataView;
  readonly at: number;
  /** address of the field */
  readonly P: number;
  /** symbol address (no Thumb bit) */
  readonly S: number;
  readonly branchType: BranchType;
  readonly weakUndefined: boolean;
  /** explicit addend (RELA) or undefined to read it from the field (REL) */
  readonly addend: number | undefined;
  /** "file(section)+0xoff against `sym'" for errors */
  readonly where: () => string;
}

const sx = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

function overflow(site: RelocSite, value: number): never {
  throw new LinkError(`${site.where()}: ${relocationName(site.type)} out of range (value ${value})`);
}

function needsVeneer(site: RelocSite, why: string): never {
  throw new LinkError(`${site.where()}: ${relocationName(site.type)} ${why}: GNU ld would insert a veneer here, which mpi link does not do; build the runtime in one instruction set or with BLX available`);
}

export function isSupported(type: number): boolean {
  return type in RELOCATION_NAMES && type !== R.PC24;
}

// The 16-bit immediate of MOVW/MOVT: ARM imm4:imm12; Thumb-2 imm4:i:imm3:imm8
// across its two halfwords. Read and written in place (other bits kept).

function armMovImm(dv: DataView, at: number): number {
  const insn = dv.getUint32(at, true);
  return ((insn >>> 4) & 0xf000) | (insn & 0xfff);
}

function setArmMovImm(dv: DataView, at: number, v: number): void {
  const insn = dv.getUint32(at, true);
  dv.setUint32(at, ((insn & 0xfff0f000) | ((v & 0xf000) << 4) | (v & 0xfff)) >>> 0, true);
}

function thumbMovImm(dv: DataView, at: number): number {
  const hi = dv.getUint16(at, true);
  const lo = dv.getUint16(at + 2, true);
  return ((hi & 0xf) << 12) | ((hi & 0x400) << 1) | ((lo & 0x7000) >> 4) | (lo & 0xff);
}

function setThumbMovImm(dv: DataView, at: number, v: number): void {
  const hi = dv.getUint16(at, true);
  const lo = dv.getUint16(at + 2, true);
  dv.setUint16(at, (hi & 0xfbf0) | ((v & 0xf000) >> 12) | ((v & 0x800) >> 1), true);
  dv.setUint16(at + 2, (lo & 0x8f00) | ((v & 0x700) << 4) | (v & 0xff), true);
}

/**
 * The addend of a REL relocation that reaches a merged (SHF_MERGE) section
 * through its section symbol, read the way GNU ld reads it before moving the
 * reference to the merged copy. Undefined for the relocation types GNU ld
 * refuses there (branches, PC-relative MOVW/MOVT: shifted or split fields).
 */
export function readMergeAddend(type: number, dv: DataView, at: number): number | undefined {
  switch (type) {
    case R.MOVW_ABS_NC:
    case R.MOVT_ABS:
      return sx(armMovImm(dv, at), 16);
    case R.THM_MOVW_ABS_NC:
    case R.THM_MOVT_ABS:
      return sx(thumbMovImm(dv, at), 16);
    case R.ABS32:
    case R.REL32:
    case R.TARGET1:
    case R.TARGET2:
      return dv.getInt32(at, true);
    case R.ABS16:
      return dv.getInt16(at, true);
    case R.ABS8:
      return sx(dv.getUint8(at), 8);
    case R.PREL31:
      return sx(dv.getUint32(at, true) & 0x7fffffff, 31);
    case R.NONE:
    case R.V4BX:
      return 0;
    default:
      return undefined;
  }
}

/** Stores a rewritten addend back into the field, as GNU ld does (only the field's bits change). */
export function writeMergeAddend(type: number, dv: DataView, at: number, A: number): void {
  switch (type) {
    case R.MOVW_ABS_NC:
    case R.MOVT_ABS:
      setArmMovImm(dv, at, A);
      return;
    case R.THM_MOVW_ABS_NC:
    case R.THM_MOVT_ABS:
      setThumbMovImm(dv, at, A);
      return;
    case R.ABS32:
    case R.REL32:
    case R.TARGET1:
    case R.TARGET2:
      dv.setUint32(at, A >>> 0, true);
      return;
    case R.ABS16:
      dv.setUint16(at, A & 0xffff, true);
      return;
    case R.ABS8:
      dv.setUint8(at, A & 0xff);
      return;
    case R.PREL31: {
      const v = dv.getUint32(at, true);
      dv.setUint32(at, ((v & 0x80000000) | (A & 0x7fffffff)) >>> 0, true);
      return;
    }
    default:
      return;
  }
}

export function applyArmRelocation(site: RelocSite, t: ArmTarget): void {
  const { dv, at, P, S } = site;
  const T = site.branchType === BranchType.TO_THUMB ? 1 : 0;
  switch (site.type) {
    case R.NONE:
    case R.V4BX:
      return;
    case R.ABS32:
    case R.TARGET1: {
      const A = site.addend ?? dv.getInt32(at, true);
      dv.setUint32(at, ((S + A) | T) >>> 0, true);
      return;
    }
    case R.REL32:
    case R.TARGET2: {
      const A = site.addend ?? dv.getInt32(at, true);
      dv.setUint32(at, (((S + A) | T) - P) >>> 0, true);
      return;
    }
    case R.ABS16: {
      const A = site.addend ?? dv.getInt16(at, true);
      const v = S + A;
      if (v > 0xffff || v < -0x8000) overflow(site, v);
      dv.setUint16(at, v & 0xffff, true);
      return;
    }
    case R.ABS8: {
      const A = site.addend ?? sx(dv.getUint8(at), 8);
      const v = S + A;
      if (v > 0xff || v < -0x80) overflow(site, v);
      dv.setUint8(at, v & 0xff);
      return;
    }
    case R.PREL31: {
      const word = dv.getUint32(at, true);
      const A = site.addend ?? sx(word & 0x7fffffff, 31);
      const v = (((S + A) | T) - P) | 0;
      dv.setUint32(at, ((word & 0x80000000) | (v & 0x7fffffff)) >>> 0, true);
      return;
    }
    case R.MOVW_ABS_NC:
    case R.MOVT_ABS:
    case R.MOVW_PREL_NC:
    case R.MOVT_PREL: {
      const A = site.addend ?? sx(armMovImm(dv, at), 16);
      let v = S + A;
      if (site.type === R.MOVW_ABS_NC || site.type === R.MOVW_PREL_NC) v |= T;
      if (site.type === R.MOVW_PREL_NC || site.type === R.MOVT_PREL) v -= P;
      if (site.type === R.MOVT_ABS || site.type === R.MOVT_PREL) v >>= 16;
      setArmMovImm(dv, at, v);
      return;
    }
    case R.THM_MOVW_ABS_NC:
    case R.THM_MOVT_ABS:
    case R.THM_MOVW_PREL_NC:
    case R.THM_MOVT_PREL: {
      const A = site.addend ?? sx(thumbMovImm(dv, at), 16);
      let v = S + A;
      if (site.type === R.THM_MOVW_ABS_NC || site.type === R.THM_MOVW_PREL_NC) v |= T;
      if (site.type === R.THM_MOVW_PREL_NC || site.type === R.THM_MOVT_PREL) v -= P;
      if (site.type === R.THM_MOVT_ABS || site.type === R.THM_MOVT_PREL) v >>= 16;
      setThumbMovImm(dv, at, v);
      return;
    }
    case R.CALL:
    case R.JUMP24:
      return armBranch(site, t);
    case R.THM_CALL:
    case R.THM_JUMP24:
      return thumbBranch(site, t);
    case R.THM_JUMP19: {
      const hi = dv.getUint16(at, true);
      const lo = dv.getUint16(at + 2, true);
      if (site.weakUndefined) {
        // GNU ld: a conditional branch to an undefined weak symbol becomes NOP.W.
        dv.setUint16(at, 0xf3af, true);
        dv.setUint16(at + 2, 0x8000, true);
        return;
      }
      if (site.branchType === BranchType.TO_ARM) needsVeneer(site, 'branches from Thumb to ARM code');
      let A = site.addend;
      if (A === undefined) {
        const s = (hi >> 10) & 1;
        let upper = hi & 0x3f;
        upper |= ((lo >> 13) & 1) << 6;
        upper |= ((lo >> 11) & 1) << 7;
        upper |= (s ^ 1) << 8;
        upper -= 0x100;
        A = upper * 4096 + (lo & 0x7ff) * 2;
      }
      const v = (S + A - P) | 0;
      if (v > 0xffffe || v < -0x100000) overflow(site, v);
      const sBit = (v >> 20) & 1;
      const j2 = (v >> 19) & 1;
      const j1 = (v >> 18) & 1;
      dv.setUint16(at, (hi & 0xfbc0) | (sBit << 10) | ((v >> 12) & 0x3f), true);
      dv.setUint16(at + 2, (lo & 0xd000) | (j1 << 13) | (j2 << 11) | ((v >> 1) & 0x7ff), true);
      return;
    }
    case R.THM_JUMP11:
    case R.THM_JUMP8: {
      const bits = site.type === R.THM_JUMP11 ? 11 : 8;
      const mask = (1 << bits) - 1;
      const insn = dv.getUint16(at, true);
      const A = site.addend ?? sx(insn & mask, bits) * 2;
      const v = (S + A - P) >> 1;
      dv.setUint16(at, (insn & ~mask & 0xffff) | (v & mask), true);
      if (v > mask >> 1 || v < -((mask >> 1) + 1)) overflow(site, v * 2);
      return;
    }
    default:
      throw new LinkError(`${site.where()}: unsupported relocation ${relocationName(site.type)}`);
  }
}

function armBranch(site: RelocSite, t: ArmTarget): void {
  const { dv, at, P, S } = site;
  let insn = dv.getUint32(at, true);
  if (site.weakUndefined) {
    // GNU ld: a branch to an undefined weak symbol jumps to the next instruction, as a NOP.
    dv.setUint32(at, ((insn & 0xf0000000) | (t.armNop ? 0x0320f000 : 0x01a00000)) >>> 0, true);
    return;
  }
  let A = site.addend;
  if (A === undefined) {
    A = sx(insn & 0xffffff, 24) * 4;
    // BLX (immediate) carries bit 1 of the offset in its H bit.
    if (((insn & 0xfe000000) >>> 0) === 0xfa000000) A |= (insn >>> 23) & 2;
  }
  const isBlx = ((insn & 0xfe000000) >>> 0) === 0xfa000000;
  if (site.branchType === BranchType.TO_THUMB) {
    if (site.type === R.CALL && t.useBlx) {
      insn = (0xfa000000 | (insn & 0xffffff)) >>> 0;
    } else {
      needsVeneer(site, 'branches from ARM to Thumb code');
    }
  } else if (site.branchType === BranchType.TO_ARM && isBlx && site.type === R.CALL) {
    insn = (0xeb000000 | (insn & 0xffffff)) >>> 0;
  }
  const v = (S + A - P) | 0;
  if (v > 0x1fffffc || v < -0x2000000) overflow(site, v);
  if (((insn & 0xfe000000) >>> 0) === 0xfa000000) {
    insn = (insn & 0xfe000000) | (((v >> 1) & 1) << 24) | ((v >> 2) & 0xffffff);
  } else {
    if (v & 3) throw new LinkError(`${site.where()}: ${relocationName(site.type)} to a misaligned ARM target ${hex(S)}`);
    insn = (insn & 0xff000000) | ((v >> 2) & 0xffffff);
  }
  dv.setUint32(at, insn >>> 0, true);
}

function thumbBranch(site: RelocSite, t: ArmTarget): void {
  const { dv, at, P, S } = site;
  let hi = dv.getUint16(at, true);
  let lo = dv.getUint16(at + 2, true);
  if (site.weakUndefined) {
    // GNU ld: NOP.W on Thumb-2, else a branch over the second halfword.
    if (t.thumb2) { hi = 0xf3af; lo = 0x8000; } else { hi = 0xe000; lo = 0xbf00; }
    dv.setUint16(at, hi, true);
    dv.setUint16(at + 2, lo, true);
    return;
  }
  let A = site.addend;
  if (A === undefined) {
    const s = (hi >> 10) & 1;
    const j1 = (lo >> 13) & 1;
    const j2 = (lo >> 11) & 1;
    const i1 = j1 ^ s ? 0 : 1;
    const i2 = j2 ^ s ? 0 : 1;
    A = (i1 << 23) | (i2 << 22) | ((hi & 0x3ff) << 12) | ((lo & 0x7ff) << 1);
    A = A | ((s ? 0 : 1) << 24);
    A -= 1 << 24;
  }
  if (site.type === R.THM_CALL) {
    if (site.branchType === BranchType.TO_ARM) {
      if (t.useBlx) lo = (lo & ~0x1000) | 0x0800; // BL -> BLX
      else needsVeneer(site, 'calls ARM code from Thumb without BLX');
    } else if (site.branchType === BranchType.TO_THUMB && t.useBlx) {
      lo |= 0x1800; // make sure it is a BL
    }
  } else if (site.branchType === BranchType.TO_ARM) {
    needsVeneer(site, 'branches from Thumb to ARM code');
  }
  let v = (S + A - P) | 0;
  if ((lo & 0x1800) === 0x0800) v = (v + 2) & ~3; // BLX: the target is word aligned
  const max = t.thumb2 ? 0xfffffe : 0x3ffffe;
  if (v > max || v < -max - 2) overflow(site, v);
  const sign = v < 0 ? 1 : 0;
  hi = (hi & ~0x7ff) | ((v >> 12) & 0x3ff) | (sign << 10);
  lo = (lo & ~0x2fff) | (((((v >> 23) & 1) ^ 1) ^ sign) << 13) | (((((v >> 22) & 1) ^ 1) ^ sign) << 11) | ((v >> 1) & 0x7ff);
  dv.setUint16(at, hi & 0xffff, true);
  dv.setUint16(at + 2, lo & 0xffff, true);
}
