// Locating the golden .mpy vectors shared with the project (../shared).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const GOLDEN_COMPILE = resolve(import.meta.dirname, '../../../shared/golden/compile');
export const GOLDEN_EXPECTED = join(GOLDEN_COMPILE, 'expected');
export const GOLDEN_FEATURES = resolve(import.meta.dirname, '../../../shared/golden/features');

export interface GoldenMpy {
  variant: string;
  name: string;
  path: string;
}

export function goldenMpyFiles(): GoldenMpy[] {
  if (!existsSync(GOLDEN_EXPECTED)) throw new Error(`golden vectors missing at ${GOLDEN_EXPECTED}`);
  const out: GoldenMpy[] = [];
  for (const variant of readdirSync(GOLDEN_EXPECTED).sort()) {
    for (const name of readdirSync(join(GOLDEN_EXPECTED, variant)).sort()) {
      if (name.endsWith('.mpy')) out.push({ variant, name, path: join(GOLDEN_EXPECTED, variant, name) });
    }
  }
  return out;
}

/** The .mpy outputs of the reference rebuilt with other settings (golden/features/<set>/). */
export function goldenFeatureMpyFiles(): GoldenMpy[] {
  if (!existsSync(GOLDEN_FEATURES)) throw new Error(`golden vectors missing at ${GOLDEN_FEATURES}`);
  const out: GoldenMpy[] = [];
  for (const set of readdirSync(GOLDEN_FEATURES, { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const name of readdirSync(join(GOLDEN_FEATURES, set.name)).sort()) {
      if (name.endsWith('.mpy')) out.push({ variant: `features/${set.name}`, name, path: join(GOLDEN_FEATURES, set.name, name) });
    }
  }
  return out;
}
