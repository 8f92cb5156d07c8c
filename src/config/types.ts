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

export interface ResolvedConfig {
  /** absolute path of the mpconfig.json this came from */
  file: string;
  board: Board;
  /** every MICROPY_* option's effective value */
  options: Readonly<Record<string, number | boolean | string>>;
  /** compile options for frozen code (sourceName left empty: set per file) */
  compile: Omit<CompileOptions, 'sourceName'>;
  qstr: { bytesInHash: number; bytesInLen: number };
  link?: LinkSettings;
}
