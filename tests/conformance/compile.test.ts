// Conformance: every golden vector of the reference mpy-cross v1.28.0, compiled
// by us, must give the same bytes (or the same error text, line and exit code).
import { afterAll, describe, expect, it } from 'vitest';
import { compileManifest, featuresManifest, haveGolden, runEntry, type GoldenEntry } from './golden.ts';

// Every variant whose target this toolchain generates machine code for: the
// bytecode ones, ARMv6 (Raspberry Pi) native and viper, ARMv7-M (Thumb-2)
// native. Variants for other targets (x64) are listed as not checked.
const CHECKED_VARIANTS = new Set(['base', 'O1', 'O2', 'O3', 'sib63', 'armv6-native', 'armv6-viper', 'armv7m-native', 'x64-native']);

const tally = new Map<string, { identical: number; total: number; referenceCrashed: number }>();

function check(entry: GoldenEntry): void {
  const verdict = runEntry(entry);
  const t = tally.get(entry.group) ?? { identical: 0, total: 0, referenceCrashed: 0 };
  t.total++;
  if (verdict.identical) t.identical++;
  if (verdict.referenceCrashed && verdict.detail === '') t.referenceCrashed++;
  tally.set(entry.group, t);
  expect(verdict.detail, `${entry.group} ${entry.input}`).toBe('');
}

describe.skipIf(!haveGolden)('golden conformance (../shared/golden)', () => {
  if (!haveGolden) {
    console.warn('SKIPPED: ../shared/golden not found; conformance was NOT checked');
    return;
  }
  const entries = compileManifest().filter((e) => CHECKED_VARIANTS.has(e.group));
  const unchecked = [...new Set(compileManifest().map((e) => e.group))].filter((g) => !CHECKED_VARIANTS.has(g));
  if (unchecked.length) console.warn(`NOT CHECKED (no code generator for these targets yet): ${unchecked.join(', ')}`);
  for (const entry of entries) {
    it(`compile/${entry.group}: ${entry.input}`, () => check(entry));
  }
  for (const entry of featuresManifest()) {
    it(`features/${entry.group}: ${entry.input}`, () => check(entry));
  }
  afterAll(() => {
    let all = 0;
    let same = 0;
    const lines = [...tally].map(([group, t]) => {
      all += t.total;
      same += t.identical;
      const crashed = t.referenceCrashed ? ` (+${t.referenceCrashed} where the reference aborts on an assertion and ours fails cleanly)` : '';
      return `  ${group.padEnd(12)} ${t.identical}/${t.total} identical${crashed}`;
    });
    console.log(`conformance:\n${lines.join('\n')}\n  ${'total'.padEnd(12)} ${same}/${all} identical`);
  });
});
