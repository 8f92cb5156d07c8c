// .ARM.exidx post-processing that GNU ld always does for ARM links
// (elf32_arm_fix_exidx_coverage): walking code sections in address order,
// adjacent duplicate entries are merged (EXIDX_CANTUNWIND after
// EXIDX_CANTUNWIND, or identical inline unwind words), and an
// EXIDX_CANTUNWIND entry is added where code without unwind data follows code
// with it, and after the last covered code. The table must end up exactly as
// GNU ld writes it for the image to be byte-identical.
import { SectionType, SHF_EXECINSTR } from '../elf/format.ts';
import type { InputSection, ObjectFile } from '../input-files.ts';
import type { ElfRelocation } from '../elf/reader.ts';

const EXIDX_CANTUNWIND = 1;

/** The edit of one .ARM.exidx input section. */
export interface ExidxEdit {
  /** entry indices removed */
  readonly deleted: Set<number>;
  /** code section whose end an appended EXIDX_CANTUNWIND entry points at */
  cantUnwindAfter: InputSection | undefined;
  /** original size, before edits */
  readonly originalSize: number;
}

const edits = new WeakMap<InputSection, ExidxEdit>();

export function exidxEditOf(sec: InputSection): ExidxEdit | undefined {
  return edits.get(sec);
}

function editFor(sec: InputSection): ExidxEdit {
  let e = edits.get(sec);
  if (!e) {
    e = { deleted: new Set(), cantUnwindAfter: undefined, originalSize: sec.size };
    edits.set(sec, e);
  }
  return e;
}

function insertCantUnwindAfter(text: InputSection, exidx: InputSection): void {
  const e = editFor(exidx);
  if (!e.cantUnwindAfter) exidx.size += 8;
  e.cantUnwindAfter = text;
}

/**
 * Computes the edits and updates the sizes of the .ARM.exidx sections.
 * Needs addresses from a first layout pass (code sections are walked in address order).
 */
export function fixExidxCoverage(files: readonly ObjectFile[]): boolean {
  const code: InputSection[] = [];
  let any = false;
  for (const f of files) {
    for (const s of f.sections) {
      if (!s) continue;
      if (s.type === SectionType.ARM_EXIDX) any = true;
      if (s.type === SectionType.PROGBITS && (s.flags & SHF_EXECINSTR) && s.output && !s.discarded) code.push(s);
    }
  }
  if (!any) return false;
  code.sort((a, b) => a.address - b.address);

  let lastSecondWord = 0;
  let lastExidx: InputSection | undefined;
  let lastText: InputSection | undefined;
  let lastUnwindType = -1;
  for (const sec of code) {
    const exidx = sec.exidx;
    if (!exidx) {
      if (lastUnwindType === 0 || !lastExidx) continue;
      if (sec.size === 0) continue;
      insertCantUnwindAfter(lastText!, lastExidx);
      lastUnwindType = 0;
      continue;
    }
    if (exidx.discarded || !exidx.output) continue;
    const dv = new DataView(exidx.data.buffer, exidx.data.byteOffset, exidx.data.byteLength);
    if (lastUnwindType > 0 && exidx.data.length >= 4) {
      // GNU ld compares the raw first word (the REL addend) with the code section's input address.
      const firstWord = dv.getUint32(0, true);
      const elfAddr = sec.file.elf?.sections[sec.index]?.addr ?? 0;
      if (firstWord !== elfAddr) {
        insertCantUnwindAfter(lastText!, lastExidx!);
        lastUnwindType = 0;
      }
    }
    const n = Math.floor(exidx.data.length / 8);
    let deleted = 0;
    for (let j = 0; j < n; j++) {
      const second = dv.getUint32(j * 8 + 4, true);
      let elide = false;
      let type: number;
      if (second === EXIDX_CANTUNWIND) {
        if (lastUnwindType === 0) elide = true;
        type = 0;
      } else if (second & 0x80000000) {
        if (lastSecondWord === second && lastUnwindType === 1) elide = true;
        type = 1;
        lastSecondWord = second;
      } else {
        type = 2;
      }
      if (elide) {
        editFor(exidx).deleted.add(j);
        deleted++;
      }
      lastUnwindType = type;
    }
    if (deleted) exidx.size -= deleted * 8;
    lastExidx = exidx;
    lastText = sec;
  }
  if (lastExidx && lastUnwindType !== 0) insertCantUnwindAfter(lastText!, lastExidx);
  return true;
}

/**
 * The bytes of an edited .ARM.exidx section (before relocation) and its
 * relocations moved to the entries' new positions.
 */
export function editedExidx(sec: InputSection): { data: Uint8Array; relocations: ElfRelocation[] } | undefined {
  const e = edits.get(sec);
  if (!e) return undefined;
  const n = Math.floor(e.originalSize / 8);
  const data = new Uint8Array(sec.size);
  const newIndex = new Int32Array(n);
  let out = 0;
  for (let j = 0; j < n; j++) {
    if (e.deleted.has(j)) { newIndex[j] = -1; continue; }
    data.set(sec.data.subarray(j * 8, j * 8 + 8), out * 8);
    newIndex[j] = out++;
  }
  const relocations: ElfRelocation[] = [];
  for (const r of sec.relocations) {
    const j = Math.floor(r.offset / 8);
    const k = newIndex[j] ?? -1;
    if (k < 0) continue;
    relocations.push({ ...r, offset: k * 8 + (r.offset % 8) });
  }
  if (e.cantUnwindAfter) {
    const text = e.cantUnwindAfter;
    const at = out * 8;
    const entryAddr = sec.address + at;
    const dv = new DataView(data.buffer);
    dv.setUint32(at, ((text.address + text.size - entryAddr) & 0x7ffffffe) >>> 0, true);
    dv.setUint32(at + 4, EXIDX_CANTUNWIND, true);
  }
  return { data, relocations };
}
