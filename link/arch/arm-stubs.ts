// Veneers ("stubs") the way GNU ld makes them for a static link
// (elf32_arm_size_stubs / arm_build_one_stub):
//   - interworking: ARM B/BL to Thumb code when BLX cannot be used, or ARM B
//     to Thumb code; Thumb BL to ARM code when BLX cannot be used, or Thumb
//     B.W / Bcc.W to ARM code;
//   - the Cortex-A8 erratum fix (on for ARMv7-A outputs): a 32-bit Thumb-2
//     branch whose first half ends a 4 KB page, right after a 32-bit
//     non-branch instruction, targeting that same page, is sent to a veneer
//     that takes the branch instead.
// Code input sections are grouped (at most ~4 MB per group); each group gets
// one stub section placed right after its last code section, aligned to 8,
// sized with every interworking stub rounded up to 8 bytes while the stubs
// themselves are packed. Stubs are laid out in the order of GNU ld's stub hash
// table (BFD's string hash over the stub's name, which holds the group's BFD
// section id), the 2-byte aligned erratum veneers after the others, so the
// image matches GNU ld byte for byte. Adding stubs moves code, which can
// create or remove erratum sites: planning repeats until nothing changes.
import { LinkError } from '../errors.ts';
import { SectionType, SHF_ALLOC, SHF_EXECINSTR } from '../elf/format.ts';
import { BranchType, InputSection, ObjectFile, type LinkSymbol } from '../input-files.ts';
import { SymbolBinding } from '../elf/format.ts';
import type { Placement } from '../output-sections.ts';
import { R, type ArmTarget } from './arm.ts';

/** GNU ld's enum elf32_arm_stub_type values (used in the stub names it hashes). */
export enum StubType {
  LONG_BRANCH_ANY_ANY = 1,
  LONG_BRANCH_V4T_ARM_THUMB = 2,
  LONG_BRANCH_V4T_THUMB_THUMB = 4,
  LONG_BRANCH_V4T_THUMB_ARM = 5,
  SHORT_BRANCH_V4T_THUMB_ARM = 6,
}

/** The Cortex-A8 erratum veneers, one per kind of 32-bit Thumb-2 branch. */
export enum A8VeneerType {
  B_COND = 'a8_veneer_b_cond',
  B = 'a8_veneer_b',
  BL = 'a8_veneer_bl',
  BLX = 'a8_veneer_blx',
}

const STUB_SIZE: Record<StubType, number> = {
  [StubType.LONG_BRANCH_ANY_ANY]: 8,
  [StubType.LONG_BRANCH_V4T_ARM_THUMB]: 12,
  [StubType.LONG_BRANCH_V4T_THUMB_THUMB]: 16,
  [StubType.LONG_BRANCH_V4T_THUMB_ARM]: 12,
  [StubType.SHORT_BRANCH_V4T_THUMB_ARM]: 8,
};

/** bcc.n over the next branch; b.w back after the original; b.w to the target. */
const A8_SIZE: Record<A8VeneerType, number> = {
  [A8VeneerType.B_COND]: 10,
  [A8VeneerType.B]: 4,
  [A8VeneerType.BL]: 4,
  [A8VeneerType.BLX]: 4,
};

/** Where a stub's code starts (decides how the caller's branch is encoded). */
function stubStartsThumb(t: StubType): boolean {
  return t === StubType.LONG_BRANCH_V4T_THUMB_ARM || t === StubType.SHORT_BRANCH_V4T_THUMB_ARM || t === StubType.LONG_BRANCH_V4T_THUMB_THUMB;
}

export interface Stub {
  readonly key: string;
  readonly type: StubType;
  readonly target: LinkSymbol;
  readonly section: InputSection;
  offset: number;
  /** the local symbol GNU ld gives it (__name_from_arm / __name_from_thumb / __name_veneer) */
  readonly name: string;
  readonly branchType: BranchType;
}

/** One Cortex-A8 erratum site and its veneer. */
export interface A8Fix {
  /** GNU ld's stub name: BFD section id and offset of the branch, in hex */
  readonly key: string;
  readonly type: A8VeneerType;
  /** the code section holding the branch, and the branch's offset in it */
  readonly section: InputSection;
  readonly offset: number;
  /** where the original branch goes, as an offset from the start of `section` */
  readonly targetOffset: number;
  /** the original 32-bit instruction (first halfword in the top bits) */
  readonly insn: number;
  /** stub section and offset in it (set once stubs are laid out) */
  stubSection: InputSection;
  stubOffset: number;
}

const ARM_MAX_FWD = ((1 << 23) - 1) * 4 + 8;
const ARM_MAX_BWD = -(1 << 23) * 4 + 8;
/** GNU ld's default stub group size (Thumb-1 BL reach less room for stubs). */
const STUB_GROUP_SIZE = 4170000;
/** BFD numbers sections from 0x10; GNU ld creates 4 of its own before opening the inputs. */
const FIRST_INPUT_SECTION_ID = 0x14;
const BFD_HASH_SIZE = 4051;

/** BFD's string hash (bfd/hash.c), in 64-bit unsigned arithmetic like on an LP64 host. */
export function bfdHash(s: string): bigint {
  const M = (1n << 64n) - 1n;
  let h = 0n;
  for (let i = 0; i < s.length; i++) {
    const c = BigInt(s.charCodeAt(i));
    h = (h + c + (c << 17n)) & M;
    h ^= h >> 2n;
  }
  const n = BigInt(s.length);
  h = (h + n + (n << 17n)) & M;
  h ^= h >> 2n;
  return h;
}

/** BFD section ids of the sections of relocatable ELF inputs, as GNU ld numbers them. */
function bfdSectionIds(files: readonly ObjectFile[]): Map<InputSection, number> {
  const ids = new Map<InputSection, number>();
  let next = FIRST_INPUT_SECTION_ID;
  for (const f of files) {
    const elf = f.elf;
    if (!elf) {
      // objcopy -I binary objects: one .data section
      for (const s of f.sections) if (s) ids.set(s, next++);
      continue;
    }
    const symtab = elf.sections[elf.symtabIndex];
    const skipStrtab = new Set<number>([symtab ? symtab.link : -1]);
    for (const h of elf.sections) {
      if (h.index === 0) continue;
      if (h.type === SectionType.SYMTAB || h.type === SectionType.SYMTAB_SHNDX) continue;
      if (h.type === SectionType.STRTAB && (skipStrtab.has(h.index) || h.index === elf.shstrndx)) continue;
      if ((h.type === SectionType.REL || h.type === SectionType.RELA) && h.link === elf.symtabIndex && h.info !== 0) continue;
      const s = f.sections[h.index];
      if (s) ids.set(s, next);
      next++;
    }
  }
  return ids;
}

export interface StubPlan {
  /** per input section: relocation offset -> stub */
  readonly redirect: Map<InputSection, Map<number, Stub>>;
  readonly stubs: Stub[];
  readonly sections: InputSection[];
  /** per code section: the erratum sites whose branch is rewritten to reach its veneer */
  readonly a8: Map<InputSection, A8Fix[]>;
}

// Direct branch reach, measured from the branch to its target as GNU ld does.
const THM_MAX_FWD = (1 << 22) - 2 + 4;
const THM_MAX_BWD = -(1 << 22) + 4;
const THM2_MAX_FWD = (1 << 24) - 2 + 4;
const THM2_MAX_BWD = -(1 << 24) + 4;
const THM2_COND_MAX_FWD = (1 << 20) - 2 + 4;
const THM2_COND_MAX_BWD = -(1 << 20) + 4;

/**
 * GNU ld's arm_type_of_stub for a static, non-PIC link on a core with ARM
 * state: a veneer when the branch must change state and cannot do it itself,
 * or when the target is out of the branch's reach.
 */
function stubTypeFor(type: number, branchType: BranchType, t: ArmTarget, distance: number): StubType | undefined {
  if (branchType !== BranchType.TO_ARM && branchType !== BranchType.TO_THUMB) return undefined;
  if (type === R.THM_CALL || type === R.THM_JUMP24 || type === R.THM_JUMP19) {
    const tooFar = t.thumb2Bl
      ? distance > THM2_MAX_FWD || distance < THM2_MAX_BWD
      : distance > THM_MAX_FWD || distance < THM_MAX_BWD;
    const condTooFar = t.thumb2 && type === R.THM_JUMP19 && (distance > THM2_COND_MAX_FWD || distance < THM2_COND_MAX_BWD);
    const mustSwitch = branchType === BranchType.TO_ARM && (type !== R.THM_CALL || !t.useBlx);
    if (!tooFar && !condTooFar && !mustSwitch) return undefined;
    if (!t.armIsa) return undefined; // Thumb-only cores (M profile) would need other veneers
    if (branchType === BranchType.TO_THUMB) {
      return t.useBlx && type === R.THM_CALL ? StubType.LONG_BRANCH_ANY_ANY : StubType.LONG_BRANCH_V4T_THUMB_THUMB;
    }
    if (t.useBlx && type === R.THM_CALL) return StubType.LONG_BRANCH_ANY_ANY;
    return distance <= THM_MAX_FWD && distance >= THM_MAX_BWD ? StubType.SHORT_BRANCH_V4T_THUMB_ARM : StubType.LONG_BRANCH_V4T_THUMB_ARM;
  }
  if (type === R.CALL || type === R.JUMP24) {
    if (branchType === BranchType.TO_THUMB) {
      // BLX reaches 2 bytes further (its H bit)
      if (distance > ARM_MAX_FWD + 2 || distance < ARM_MAX_BWD || (type === R.CALL && !t.useBlx) || type === R.JUMP24) {
        return t.useBlx ? StubType.LONG_BRANCH_ANY_ANY : StubType.LONG_BRANCH_V4T_ARM_THUMB;
      }
      return undefined;
    }
    return distance > ARM_MAX_FWD || distance < ARM_MAX_BWD ? StubType.LONG_BRANCH_ANY_ANY : undefined;
  }
  return undefined;
}

/**
 * Decides the stubs of a placed link (addresses from a first layout pass),
 * inserts their sections into the output sections and lays the link out
 * again (`relayout`) until the stubs stop changing, as GNU ld does. Returns
 * undefined if none are needed.
 */
export function planStubs(files: readonly ObjectFile[], placement: Placement, t: ArmTarget, relayout: () => void): StubPlan | undefined {
  // 1. stub groups: per output section, its code input sections in order
  const linkSecOf = new Map<InputSection, InputSection>();
  for (const o of placement.outputs) {
    const code = [...o.inputs()].filter((s) => s.flags & SHF_EXECINSTR && s.file.elf);
    let i = 0;
    while (i < code.length) {
      const head = code[i]!;
      const groupStart = head.outputOffset;
      let j = i;
      while (j + 1 < code.length && code[j + 1]!.outputOffset + code[j + 1]!.size - groupStart < STUB_GROUP_SIZE) j++;
      const linkSec = code[j]!;
      for (let k = i; k <= j; k++) linkSecOf.set(code[k]!, linkSec);
      let k = j + 1;
      // Sections up to a group size after the stubs can use them too, unless the
      // erratum fix is on: its veneers must come after the branches they serve.
      if (!t.fixCortexA8) {
        const after = linkSec.outputOffset + linkSec.size;
        while (k < code.length && code[k]!.outputOffset + code[k]!.size - after < STUB_GROUP_SIZE) linkSecOf.set(code[k++]!, linkSec);
      }
      i = k;
    }
  }

  const ids = bfdSectionIds(files);
  const stubFile = new ObjectFile('linker stubs', undefined);
  const stubSections = new Map<InputSection, InputSection>();
  const byKey = new Map<string, Stub>();
  const insertion: Stub[] = [];
  let redirect = new Map<InputSection, Map<number, Stub>>();
  let fixes: A8Fix[] = [];
  const stubSectionFor = (sec: InputSection): InputSection => {
    const linkSec = linkSecOf.get(sec);
    if (!linkSec) throw new LinkError(`${sec}: code section outside any stub group`);
    let section = stubSections.get(linkSec);
    if (!section) {
      section = new InputSection(stubFile, -1, `${linkSec.name}.__stub`, SectionType.PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8, new Uint8Array(0), 0);
      stubSections.set(linkSec, section);
      const o = linkSec.output!;
      const at = o.items.findIndex((it) => it.kind === 'input' && it.section === linkSec);
      o.items.splice(at + 1, 0, { kind: 'input', section });
      section.output = o;
      o.align = Math.max(o.align, 8);
    }
    return section;
  };

  // mapping symbols do not change between planning rounds: read each file's once
  const mapsByFile = new Map<ObjectFile, Map<InputSection, { offset: number; kind: string }[]>>();
  const mapsOf = (f: ObjectFile): Map<InputSection, { offset: number; kind: string }[]> => {
    let m = mapsByFile.get(f);
    if (!m) mapsByFile.set(f, (m = codeMaps(f)));
    return m;
  };

  for (let round = 0; ; round++) {
    if (round === 20) throw new LinkError('stubs did not settle after 20 layout passes');
    let changed = false;
    redirect = new Map();
    const previous = fixes;
    fixes = [];
    // 2. the stubs, in the order GNU ld adds them (files, sections, relocations);
    // once made, a stub stays even if a later pass would not need it
    for (const f of files) {
      const a8Relocs = new Map<number, A8Reloc>();
      for (const sec of f.sections) {
        if (!sec || !sec.output || sec.discarded || !(sec.flags & SHF_EXECINSTR) || !(sec.flags & SHF_ALLOC)) continue;
        for (const r of sec.relocations) {
          if (r.type !== R.CALL && r.type !== R.JUMP24 && r.type !== R.THM_CALL && r.type !== R.THM_JUMP24 && r.type !== R.THM_JUMP19) continue;
          const sym = f.symbols[r.symbol]!;
          if (r.symbol === 0 || sym.assigned !== undefined) continue;
          const from = (sec.address + r.offset) >>> 0;
          let stub: Stub | undefined;
          const usable = !sym.isUndefined && !(sym.def.kind === 'section' && sym.def.section.discarded);
          const type = usable ? stubTypeFor(r.type, sym.branchType, t, sym.address - from) : undefined;
          if (type !== undefined) {
            const groupId = ids.get(linkSecOf.get(sec) ?? sec) ?? 0;
            let key: string;
            if (sym.binding !== 0) {
              key = `${groupId.toString(16).padStart(8, '0')}_${sym.name}+0_${type}`;
            } else {
              const symSec = sym.def.kind === 'section' ? ids.get(sym.def.section) ?? 0 : 0;
              key = `${groupId.toString(16).padStart(8, '0')}_${symSec.toString(16)}:${r.symbol.toString(16)}+0_${type}`;
            }
            stub = byKey.get(key);
            if (!stub) {
              const section = stubSectionFor(sec);
              const suffix = type === StubType.LONG_BRANCH_V4T_ARM_THUMB ? '_from_arm'
                : type === StubType.LONG_BRANCH_ANY_ANY ? '_veneer' : '_from_thumb';
              stub = {
                key, type, target: sym, section, offset: -1, name: `__${sym.name}${suffix}`,
                branchType: stubStartsThumb(type) ? BranchType.TO_THUMB : BranchType.TO_ARM,
              };
              byKey.set(key, stub);
              insertion.push(stub);
              changed = true;
            }
            let m = redirect.get(sec);
            if (!m) redirect.set(sec, (m = new Map()));
            m.set(r.offset, stub);
          }
          // Branches that may be erratum sites: GNU ld takes their destination from the
          // symbol (not the addend in the instruction) and leaves those with a stub alone.
          if (t.fixCortexA8 && r.type !== R.CALL && r.type !== R.JUMP24 && (from & 0xfff) === 0xffe) {
            a8Relocs.set(from, { destination: usable ? sym.address : 0, type: r.type, branchType: sym.branchType, hasStub: stub !== undefined });
          }
        }
      }
      if (t.fixCortexA8) scanA8(f, mapsOf(f), ids, a8Relocs, t, fixes);
    }
    if (fixes.length !== previous.length || fixes.some((x, i) => x.key !== previous[i]!.key)) changed = true;
    if (!changed) break;

    // 3. stub section sizes: interworking stubs rounded up to 8, erratum veneers as they are
    for (const sec of stubSections.values()) sec.size = 0;
    for (const stub of insertion) stub.section.size += (STUB_SIZE[stub.type] + 7) & ~7;
    for (const fix of fixes) {
      fix.stubSection = stubSectionFor(fix.section);
      fix.stubSection.size += A8_SIZE[fix.type];
    }
    relayout();
  }
  if (insertion.length === 0 && fixes.length === 0) return undefined;
  for (const fix of fixes) fix.stubSection = stubSectionFor(fix.section);
  if (insertion.length + fixes.length > (BFD_HASH_SIZE * 3) / 4) throw new LinkError(`${insertion.length + fixes.length} stubs: more than mpi link orders like GNU ld`);

  // 4. offsets in hash-table order: bucket by bucket, newest entry first within a
  // bucket; stubs that need 4-byte alignment first, the 2-byte aligned veneers after
  type Entry = { readonly key: string; place: (at: number) => void; readonly size: number; readonly section: InputSection; readonly halfword: boolean };
  const entries: Entry[] = [
    ...insertion.map((st): Entry => ({ key: st.key, size: STUB_SIZE[st.type], section: st.section, halfword: false, place: (at) => { st.offset = at; } })),
    ...fixes.map((fx): Entry => ({ key: fx.key, size: A8_SIZE[fx.type], section: fx.stubSection, halfword: fx.type !== A8VeneerType.BLX, place: (at) => { fx.stubOffset = at; } })),
  ];
  const buckets = new Map<number, Entry[]>();
  for (const e of entries) {
    const b = Number(bfdHash(e.key) % BigInt(BFD_HASH_SIZE));
    const list = buckets.get(b);
    if (list) list.unshift(e); else buckets.set(b, [e]);
  }
  const order = [...buckets.keys()].sort((x, y) => x - y).flatMap((b) => buckets.get(b)!);
  const fill = new Map<InputSection, number>();
  for (const halfword of [false, true]) {
    for (const e of order) {
      if (e.halfword !== halfword) continue;
      const at = fill.get(e.section) ?? 0;
      e.place(at);
      fill.set(e.section, at + e.size);
    }
  }

  const sections = [...stubSections.values()];
  for (const sec of sections) {
    sec.synthesize = () => buildStubSection(sec, insertion.filter((s) => s.section === sec), fixes.filter((x) => x.stubSection === sec));
  }
  const a8 = new Map<InputSection, A8Fix[]>();
  for (const fx of fixes) {
    const list = a8.get(fx.section);
    if (list) list.push(fx); else a8.set(fx.section, [fx]);
  }
  return { redirect, stubs: insertion, sections, a8 };
}

/** A branch relocation at a possible erratum site (GNU ld's a8_erratum_reloc). */
interface A8Reloc {
  readonly destination: number;
  readonly type: number;
  readonly branchType: BranchType;
  readonly hasStub: boolean;
}

/**
 * The mapping symbols of each section of a file, in symbol-table order, as
 * GNU ld records them ($a ARM code, $t Thumb code, $d data).
 */
function codeMaps(f: ObjectFile): Map<InputSection, { offset: number; kind: string }[]> {
  const maps = new Map<InputSection, { offset: number; kind: string }[]>();
  for (const sym of f.symbols) {
    if (sym.binding !== SymbolBinding.LOCAL || sym.def.kind !== 'section') continue;
    const n = sym.name;
    if (n.length < 2 || n[0] !== '$' || !'atd'.includes(n[1]!) || (n.length > 2 && n[2] !== '.')) continue;
    let list = maps.get(sym.def.section);
    if (!list) maps.set(sym.def.section, (list = []));
    list.push({ offset: sym.def.offset, kind: n[1]! });
  }
  return maps;
}

/**
 * GNU ld's cortex_a8_erratum_scan: walks the Thumb code of each section for a
 * 32-bit B.W, Bcc.W, BL or BLX whose first halfword sits at the end of a 4 KB
 * page, preceded by a 32-bit instruction that is not a branch, and whose target
 * lies in that same page.
 */
function scanA8(
  f: ObjectFile, maps: Map<InputSection, { offset: number; kind: string }[]>, ids: Map<InputSection, number>,
  relocs: Map<number, A8Reloc>, t: ArmTarget, out: A8Fix[],
): void {
  for (const sec of f.sections) {
    if (!sec || sec.type !== SectionType.PROGBITS || !(sec.flags & SHF_EXECINSTR) || !sec.output || sec.discarded) continue;
    const map = maps.get(sec);
    if (!map) continue;
    const base = sec.address;
    const code = sec.data;
    for (let span = 0; span < map.length; span++) {
      if (map[span]!.kind !== 't') continue;
      const start = map[span]!.offset;
      const end = span === map.length - 1 ? sec.size : map[span + 1]!.offset;
      if (((base + start) & ~0xfff) === ((base + end) & ~0xfff)) continue;
      let lastWas32 = false;
      let lastWasBranch = false;
      for (let i = start; i < end;) {
        let insn = code[i]! | (code[i + 1]! << 8);
        const is32 = (insn & 0xe000) === 0xe000 && (insn & 0x1800) !== 0;
        let isB = false, isBl = false, isBlx = false, isBcc = false;
        if (is32) {
          insn = ((insn << 16) | code[i + 2]! | (code[i + 3]! << 8)) >>> 0;
          isB = ((insn & 0xf800d000) >>> 0) === 0xf0009000;
          isBl = ((insn & 0xf800d000) >>> 0) === 0xf000d000;
          isBlx = ((insn & 0xf800d000) >>> 0) === 0xf000c000;
          isBcc = ((insn & 0xf800d000) >>> 0) === 0xf0008000 && (insn & 0x07f00000) !== 0x03800000;
        }
        const isBranch = isB || isBl || isBlx || isBcc;
        if (((base + i) & 0xfff) === 0xffe && is32 && isBranch && lastWas32 && !lastWasBranch) {
          const fix = a8Fix(sec, i, insn, { isB, isBl, isBlx, isBcc }, relocs.get((base + i) >>> 0), ids, t);
          if (fix) out.push(fix);
        }
        i += is32 ? 4 : 2;
        lastWas32 = is32;
        lastWasBranch = isBranch;
      }
    }
  }
}

function a8Fix(
  sec: InputSection, i: number, insn: number, kind: { isB: boolean; isBl: boolean; isBlx: boolean; isBcc: boolean },
  found: A8Reloc | undefined, ids: Map<InputSection, number>, t: ArmTarget,
): A8Fix | undefined {
  // A branch that already goes through a stub is safe: the stub lies after the branch.
  if (found?.hasStub) return undefined;
  let { isBl, isBlx } = kind;
  let forceArm = false;
  let forceThumb = false;
  if (found && found.type === R.THM_CALL) {
    if (found.branchType === BranchType.TO_ARM) forceArm = true;
    else forceThumb = true;
  }
  let offset: number;
  let type: A8VeneerType;
  if (kind.isBcc) {
    offset = ((insn & 0x7ff) << 1) | ((insn & 0x3f0000) >>> 4) | (insn & 0x2000 ? 0x40000 : 0) | (insn & 0x800 ? 0x80000 : 0) | (insn & 0x4000000 ? 0x100000 : 0);
    if (offset & 0x100000) offset |= ~0xfffff;
    type = A8VeneerType.B_COND;
  } else {
    const s = (insn >>> 26) & 1;
    const i1 = ((insn >>> 13) & 1) ^ s ? 0 : 1;
    const i2 = ((insn >>> 11) & 1) ^ s ? 0 : 1;
    offset = ((insn & 0x7ff) << 1) | ((insn & 0x3ff0000) >>> 4) | (i2 << 22) | (i1 << 23) | (s << 24);
    if (offset & 0x1000000) offset |= ~0xffffff;
    if (isBlx) offset &= ~3;
    type = isBlx ? A8VeneerType.BLX : isBl ? A8VeneerType.BL : A8VeneerType.B;
  }
  // A BL to ARM code would have become a BLX, and a BLX to Thumb code a BL.
  if (t.useBlx && forceArm && type === A8VeneerType.BL) {
    type = A8VeneerType.BLX;
    isBlx = true;
    isBl = false;
  } else if (forceThumb && type === A8VeneerType.BLX) {
    type = A8VeneerType.BL;
    isBlx = false;
    isBl = true;
  }
  void isBl;
  let pc = sec.address + i + 4;
  if (isBlx) pc &= ~3;
  if (found) offset = found.destination - pc;
  const target = (pc + offset) >>> 0;
  if (((sec.address + i) & ~0xfff) !== (target & ~0xfff)) return undefined;
  return {
    key: `${(ids.get(sec) ?? 0).toString(16)}:${i.toString(16)}`,
    type, section: sec, offset: i, targetOffset: (target - sec.address) | 0, insn,
    stubSection: sec, stubOffset: -1,
  };
}

/** The branch an erratum site is rewritten to: B.W (BL, BLX) from the site to its veneer. */
export function a8BranchToVeneer(fix: A8Fix): number {
  let from = (fix.section.address + fix.offset) >>> 0;
  const veneer = (fix.stubSection.address + fix.stubOffset) >>> 0;
  if (fix.type === A8VeneerType.BLX) from &= ~3;
  if ((from & ~0xfff) === (veneer & ~0xfff)) {
    throw new LinkError(`${fix.section}+${fix.offset.toString(16)}: Cortex-A8 erratum veneer would be in the same 4 KB page as its branch`);
  }
  const v = (veneer - from - 4) | 0;
  if (v < -16777216 || v > 16777214) throw new LinkError(`${fix.section}+${fix.offset.toString(16)}: Cortex-A8 erratum veneer out of range`);
  const base = fix.type === A8VeneerType.BLX ? 0xf000e800 : fix.type === A8VeneerType.BL ? 0xf000d000 : 0xf0009000;
  const s = (v >>> 24) & 1;
  const j1 = ((v >>> 23) & 1 ? 0 : 1) ^ s;
  const j2 = ((v >>> 22) & 1 ? 0 : 1) ^ s;
  return (base | ((v >> 1) & 0x7ff) | (((v >> 12) & 0x3ff) << 16) | (j2 << 11) | (j1 << 13) | (s << 26)) >>> 0;
}

/** A Thumb B.W (T4) at `at` (address `here`) to `target`. */
function putThumbB(dv: DataView, at: number, here: number, target: number): void {
  const v = (target - (here + 4)) | 0;
  const s = (v >>> 24) & 1;
  const j1 = ((v >>> 23) & 1 ? 0 : 1) ^ s;
  const j2 = ((v >>> 22) & 1 ? 0 : 1) ^ s;
  dv.setUint16(at, 0xf000 | (s << 10) | ((v >> 12) & 0x3ff), true);
  dv.setUint16(at + 2, 0x9000 | (j1 << 13) | (j2 << 11) | ((v >> 1) & 0x7ff), true);
}

function buildStubSection(sec: InputSection, stubs: readonly Stub[], fixes: readonly A8Fix[]): Uint8Array {
  const out = new Uint8Array(sec.size);
  const dv = new DataView(out.buffer);
  for (const fx of fixes) {
    const at = fx.stubOffset;
    const here = (sec.address + at) >>> 0;
    const target = (fx.section.address + fx.targetOffset) >>> 0;
    switch (fx.type) {
      case A8VeneerType.B_COND: {
        // b<cond>.n over the next branch, b.w back past the original branch, b.w to its target
        dv.setUint16(at, 0xd001 | (((fx.insn >>> 22) & 0xf) << 8), true);
        putThumbB(dv, at + 2, here + 2, (fx.section.address + fx.offset + 4) >>> 0);
        putThumbB(dv, at + 6, here + 6, target);
        break;
      }
      case A8VeneerType.B:
      case A8VeneerType.BL:
        putThumbB(dv, at, here, target);
        break;
      case A8VeneerType.BLX: {
        const off = (target - (here + 8)) | 0;
        dv.setUint32(at, (0xea000000 | ((off >> 2) & 0xffffff)) >>> 0, true);
        break;
      }
    }
  }
  for (const s of stubs) {
    const at = s.offset;
    const here = sec.address + at;
    const target = s.target.address;
    const targetBits = (target | (s.target.branchType === BranchType.TO_THUMB ? 1 : 0)) >>> 0;
    switch (s.type) {
      case StubType.LONG_BRANCH_ANY_ANY:
        dv.setUint32(at, 0xe51ff004, true); // ldr pc, [pc, #-4]
        dv.setUint32(at + 4, targetBits, true);
        break;
      case StubType.LONG_BRANCH_V4T_ARM_THUMB:
        dv.setUint32(at, 0xe59fc000, true); // ldr ip, [pc, #0]
        dv.setUint32(at + 4, 0xe12fff1c, true); // bx ip
        dv.setUint32(at + 8, targetBits, true);
        break;
      case StubType.LONG_BRANCH_V4T_THUMB_THUMB:
        dv.setUint16(at, 0x4778, true); // bx pc
        dv.setUint16(at + 2, 0xe7fd, true); // b .-2 (never reached)
        dv.setUint32(at + 4, 0xe59fc000, true); // ldr ip, [pc, #0]
        dv.setUint32(at + 8, 0xe12fff1c, true); // bx ip
        dv.setUint32(at + 12, targetBits, true);
        break;
      case StubType.LONG_BRANCH_V4T_THUMB_ARM:
        dv.setUint16(at, 0x4778, true); // bx pc
        dv.setUint16(at + 2, 0xe7fd, true); // b .-2 (never reached)
        dv.setUint32(at + 4, 0xe51ff004, true); // ldr pc, [pc, #-4]
        dv.setUint32(at + 8, targetBits, true);
        break;
      case StubType.SHORT_BRANCH_V4T_THUMB_ARM: {
        dv.setUint16(at, 0x4778, true); // bx pc
        dv.setUint16(at + 2, 0xe7fd, true);
        const off = (target - 8 - (here + 4)) | 0; // b target (ARM, from the word after bx pc)
        dv.setUint32(at + 4, (0xea000000 | ((off >> 2) & 0xffffff)) >>> 0, true);
        break;
      }
    }
  }
  return out;
}
