// Types for the parts of the `elfy` npm package (CommonJS, untyped) that
// link/elf/reader.ts uses: its header and section-header parsers.
declare module 'elfy' {
  /** elfy's view of the ELF header (names where its tables know the value). */
  export interface ElfyHeader {
    class: string;
    endian: string;
    /** e_type by name ('rel', 'exec', ...); undefined when elfy has no name for it */
    type: string | undefined;
    /** e_machine by name ('arm', ...); undefined when elfy has no name for it */
    machine: string | undefined;
    version: number;
    entry: number;
    phoff: number;
    shoff: number;
    flags: number;
    ehsize: number;
    phentsize: number;
    phnum: number;
    shentsize: number;
    shnum: number;
    shstrndx: number;
  }

  /** One section header as elfy parses it (before it resolves names). */
  export interface ElfySection {
    /** sh_name: an offset into the section-name table until resolved */
    name: number | string;
    /** sh_type by name ('progbits', ...), or the number when elfy has no name */
    type: string | number;
    /** one key per set bit: elfy's name for it, or the bit's value */
    flags: Record<string, true>;
    addr: number;
    off: number;
    size: number;
    link: number;
    info: number;
    addralign: number;
    entsize: number;
    data: Buffer;
  }

  export class Parser {
    parseHeader(buf: Buffer): ElfyHeader;
    parseSections(buf: Buffer, header: ElfyHeader): ElfySection[];
    parseSection(chunk: Buffer, header: ElfyHeader, buf: Buffer): ElfySection;
  }

  export const constants: {
    type: Readonly<Record<number, string>>;
    machine: Readonly<Record<number, string>>;
    sectType: Readonly<Record<number, string>>;
    sectFlags: Readonly<Record<number, string>>;
  };

  export function parse(buf: Buffer): unknown;

  const elfy: { Parser: typeof Parser; constants: typeof constants; parse: typeof parse };
  export default elfy;
}
