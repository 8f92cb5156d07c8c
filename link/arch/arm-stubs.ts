// Interworking veneers ("stubs") the way GNU ld makes them for a static
// link (elf32_arm_size_stubs / arm_build_one_stub):
//   - ARM B/BL to Thumb code when BLX cannot be used, or ARM B to Thumb code;
//   - Thumb BL to ARM code when BLX cannot be used, or Thumb B.W / Bcc.W to ARM code.
// Code input sections are grouped (at most ~4 MB per group); each group gets
// one stub section placed right after its last code section, aligned to 8,
// sized with every stub rounded up to 8 bytes while the stubs themselves are
// packed. Stubs are laid out in the order of GNU ld's stub hash table (BFD's
// string hash over the stub's name, which holds the group's BFD section id),
// so the image matches GNU ld byte for byte.
import { LinkError } from '../errors.ts';
import { SectionType, SHF_ALLOC, SHF_EXECINSTR } from '../elf/format.ts';
import { BranchType, InputSection, ObjectFile, type LinkSymbol } from '../input-files.ts';
import type { Placement } from '../output-sections.ts';
import { R, type ArmTarget } from './arm.ts';

/** GNU ld's enum elf32_arm_stub_type values (used in the stub names it hashes). */
export enum StubType {
  LONG_BRANCH_ANY_ANY = 1,
  LONG_BRANCH_V4T_ARM_THUMB = 2,
  LONG_BRANCH_V4T_THUMB_ARM = 5,
  SHORT_BRANCH_V4T_THUMB_ARM = 6,
}

const STUB_SIZE: Record<StubType, number> = {
  [StubType.LONG_BRANCH_ANY_ANY]: 8,
  [StubType.LONG_BRANCH_V4T_ARM_THUMB]: 12,
  [StubType.LONG_BRANCH_V4T_THUMB_ARM]: 12,
  [StubType.SHORT_BRANCH_V4T_THUMB_ARM]: 8,
};

/** Where a stub's code starts (decides how the caller's branch is encoded). */
function stubStartsThumb(t: StubType): boolean {
  return t === StubType.LONG_BRANCH_V4T_THUMB_ARM || t === StubType.SHORT_BRANCH_V4T_THUMB_ARM;
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
}

function stubTypeFor(type: number, branchType: BranchType, t: ArmTarget, distance: number): StubType | undefined {
  if (type === R.THM_CALL || type === R.THM_JUMP24 || type === R.THM_JUMP19) {
    if (branchType !== BranchType.TO_ARM) return undefined;
    if (type === R.THM_CALL && t.useBlx) return undefined;
    const long = t.useBlx && type === R.THM_CALL ? StubType.LONG_BRANCH_ANY_ANY : StubType.LONG_BRANCH_V4T_THUMB_ARM;
    if (long === StubType.LONG_BRANCH_V4T_THUMB_ARM && distance <= ARM_MAX_FWD && distance >= ARM_MAX_BWD) {
      return StubType.SHORT_BRANCH_V4T_THUMB_ARM;
    }
    return long;
  }
  if (type === R.CALL || type === R.JUMP24) {
    if (branchType !== BranchType.TO_THUMB) return undefined;
    if (type === R.CALL && t.useBlx) return undefined;
    return t.useBlx ? StubType.LONG_BRANCH_ANY_ANY : StubType.LONG_BRANCH_V4T_ARM_THUMB;
  }
  return undefined;
}

/**
 * Decides the stubs of a placed link (addresses from a first layout pass) and
 * inserts their sections into the output sections. Returns undefined if none are needed.
 */
export function planStubs(files: readonly ObjectFile[], placement: Placement, t: ArmTarget): StubPlan | undefined {
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
      // sections up to a group size after the stubs can use them too
      const after = linkSec.outputOffset + linkSec.size;
      let k = j + 1;
      while (k < code.length && code[k]!.outputOffset + code[k]!.size - after < STUB_GROUP_SIZE) linkSecOf.set(code[k++]!, linkSec);
      i = k;
    }
  }

  // 2. the stubs, in the order GNU ld adds them (files, sections, relocations)
  const ids = bfdSectionIds(files);
  const stubFile = new ObjectFile('linker stubs', undefined);
  const stubSections = new Map<InputSection, InputSection>();
  const byKey = new Map<string, Stub>();
  const insertion: Stub[] = [];
  const redirect = new Map<InputSection, Map<number, Stub>>();
  for (const f of files) {
    for (const sec of f.sections) {
      if (!sec || !sec.output || sec.discarded || !(sec.flags & SHF_EXECINSTR) || !(sec.flags & SHF_ALLOC)) continue;
      for (const r of sec.relocations) {
        if (r.type !== R.CALL && r.type !== R.JUMP24 && r.type !== R.THM_CALL && r.type !== R.THM_JUMP24 && r.type !== R.THM_JUMP19) continue;
        const sym = f.symbols[r.symbol]!;
        if (r.symbol === 0 || sym.isUndefined || sym.assigned !== undefined) continue;
        if (sym.def.kind === 'section' && sym.def.section.discarded) continue;
        const distance = sym.address - (sec.address + r.offset);
        const type = stubTypeFor(r.type, sym.branchType, t, distance);
        if (type === undefined) continue;
        const linkSec = linkSecOf.get(sec);
        if (!linkSec) throw new LinkError(`${sec}: code section outside any stub group`);
        const groupId = ids.get(linkSec) ?? 0;
        let key: string;
        if (sym.binding !== 0) {
          key = `${groupId.toString(16).padStart(8, '0')}_${sym.name}+0_${type}`;
        } else {
          const symSec = sym.def.kind === 'section' ? ids.get(sym.def.section) ?? 0 : 0;
          key = `${groupId.toString(16).padStart(8, '0')}_${symSec.toString(16)}:${r.symbol.toString(16)}+0_${type}`;
        }
        let stub = byKey.get(key);
        if (!stub) {
          let section = stubSections.get(linkSec);
          if (!section) {
            section = new InputSection(stubFile, -1, `${linkSec.name}.__stub`, SectionType.PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8, new Uint8Array(0), 0);
            stubSections.set(linkSec, section);
          }
          const suffix = type === StubType.LONG_BRANCH_V4T_ARM_THUMB ? '_from_arm'
            : type === StubType.LONG_BRANCH_ANY_ANY ? '_veneer' : '_from_thumb';
          stub = {
            key, type, target: sym, section, offset: -1, name: `__${sym.name}${suffix}`,
            branchType: stubStartsThumb(type) ? BranchType.TO_THUMB : BranchType.TO_ARM,
          };
          byKey.set(key, stub);
          insertion.push(stub);
          section.size += (STUB_SIZE[type] + 7) & ~7;
        }
        let m = redirect.get(sec);
        if (!m) redirect.set(sec, (m = new Map()));
        m.set(r.offset, stub);
      }
    }
  }
  if (insertion.length === 0) return undefined;
  if (insertion.length > (BFD_HASH_SIZE * 3) / 4) throw new LinkError(`${insertion.length} interworking stubs: more than mpi link orders like GNU ld`);

  // 3. offsets in hash-table order: bucket by bucket, newest entry first within a bucket
  const buckets = new Map<number, Stub[]>();
  for (const s of insertion) {
    const b = Number(bfdHash(s.key) % BigInt(BFD_HASH_SIZE));
    const list = buckets.get(b);
    if (list) list.unshift(s); else buckets.set(b, [s]);
  }
  const fill = new Map<InputSection, number>();
  for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
    for (const s of buckets.get(b)!) {
      const at = fill.get(s.section) ?? 0;
      s.offset = at;
      fill.set(s.section, at + STUB_SIZE[s.type]);
    }
  }

  // 4. each stub section goes right after its group's last code section
  for (const [linkSec, stubSec] of stubSections) {
    const o = linkSec.output!;
    const i = o.items.findIndex((it) => it.kind === 'input' && it.section === linkSec);
    o.items.splice(i + 1, 0, { kind: 'input', section: stubSec });
    stubSec.output = o;
    o.align = Math.max(o.align, 8);
  }
  const sections = [...stubSections.values()];
  for (const sec of sections) {
    sec.synthesize = () => buildStubSection(sec, insertion.filter((s) => s.section === sec));
  }
  return { redirect, stubs: insertion, sections };
}

function buildStubSection(sec: InputSection, stubs: readonly Stub[]): Uint8Array {
  const out = new Uint8Array(sec.size);
  const dv = new DataView(out.buffer);
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
