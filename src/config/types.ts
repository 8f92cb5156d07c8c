// The shape of mpconfig.json once loaded and resolved. src/config/ owns the
// catalogue, the schema and the resolution; other stages consume this.
import type { CompileOptions } from '../options.ts';

export type Board = 'RPI1' | 'RPI2';

export interface LinkSettings {
  /** runtime ELF (relocatable or executable), absolute path */
  runtime: string;
  /** layout spec module (.ts), absolute path */
  layout: string;
  /** freeze folders, absolute paths */
  freeze: string[];
  /** output image path, absolute */
  output: string;
  elf: boolean;
  map: boolean;
}

/** Why an option has its value. */
export interface OptionOrigin {
  /**
   * set: the config's "features" (or "qstr"); profile: the board's or mpy-cross's preset;
   * level: a default that depends on the ROM level; derived: a default computed from
   * other options; default: a fixed default
   */
  kind: 'set' | 'profile' | 'level' | 'derived' | 'default';
  /** the default expression, the preset's reason, or the options it was derived from */
  detail: string;
}

export interface ResolvedConfig {
  /** absolute path of the mpconfig.json this came from */
  file: string;
  /**
   * The board the runtime runs on. Absent when the config names no board: it then
   * describes the reference mpy-cross build (a compile-only config, as in
   * golden/features); such a config cannot be linked (see requireLinkable()).
   */
  board?: Board;
  /** the ROM level name, e.g. 'FULL_FEATURES' */
  romLevel: string;
  /** every MICROPY_* option's effective value (choices as their constant name) */
  options: Readonly<Record<string, number | boolean | string>>;
  /** why each option in `options` has its value */
  origins: Readonly<Record<string, OptionOrigin>>;
  /** compile options for frozen code (sourceName left empty: set per file) */
  compile: Omit<CompileOptions, 'sourceName'>;
  qstr: { bytesInHash: number; bytesInLen: number };
  /** small-int bits of the runtime's objects (MP_SMALL_INT_BITS) */
  runtimeSmallIntBits: number;
  link?: LinkSettings;
}

/** A config the linker can use: it names a board and has link settings. */
export type LinkableConfig = ResolvedConfig & { board: Board; link: LinkSettings };
