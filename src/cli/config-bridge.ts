// --config for mpy-cross-ts: the compile settings an mpconfig.json implies.
// Loaded lazily so plain compiles do not pay for the config machinery.
import { loadConfig } from '../config/index.ts';
import type { CompileSettings } from './compile-job.ts';

/** The config's compile settings, or a one-line error message. */
export function loadCompileSettings(file: string): CompileSettings | string {
  try {
    const config = loadConfig(file);
    const { optimize, smallIntBits, emit, arch, features } = config.compile;
    return { optimize, smallIntBits, emit, arch, features };
  } catch (err) {
    return (err as Error)?.message ?? String(err);
  }
}
