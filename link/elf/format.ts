// ELF32 constants the linker needs (System V gABI + ARM ELF ABI, AAELF32).
// Only what this linker reads or writes; named as in the specifications.

export const ELFCLASS32 = 1;
export const ELFDATA2LSB = 1;
export const EM_ARM = 40;

export enum ElfType {
  REL = 1,
  EXEC = 2,
  DYN = 3,
}

export enum SectionType {
  NULL = 0,
  PROGBITS = 1,
  SYMTAB = 2,
  STRTAB = 3,
  RELA = 4,
  HASH = 5,
  DYNAMIC = 6,
  NOTE = 7,
  NOBITS = 8,
  REL = 9,
  INIT_ARRAY = 14,
  FINI_ARRAY = 15,
  PREINIT_ARRAY = 16,
  GROUP = 17,
  SYMTAB_SHNDX = 18,
  ARM_EXIDX = 0x70000001,
  ARM_ATTRIBUTES = 0x70000003,
}

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_GROUP = 0x200;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export enum SymbolBinding {
  LOCAL = 0,
  GLOBAL = 1,
  WEAK = 2,
}

export enum SymbolType {
  NOTYPE = 0,
  OBJECT = 1,
  FUNC = 2,
  SECTION = 3,
  FILE = 4,
  COMMON = 5,
  TLS = 6,
  /** old-ABI Thumb function marker */
  ARM_TFUNC = 13,
}

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** e_flags of an EABI version 5 executable (what GNU ld writes for these inputs). */
export const EF_ARM_EABI_VER5 = 0x05000000;

export const EHDR_SIZE = 52;
export const SHDR_SIZE = 40;
export const PHDR_SIZE = 32;
export const SYM_SIZE = 16;
