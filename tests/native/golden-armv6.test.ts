// The ARMv6 native and viper emitters against the reference's golden vectors:
// machine code, prelude and constant tables byte-identical, viper type errors
// with the same text and line; where the reference aborted on an assertion we
// must fail cleanly (a CompileError, no crash).
import { describe, expect, it } from 'vitest';
import { compileManifest, haveGolden, runEntry } from '../conformance/golden.ts';

const NATIVE_VARIANTS = new Set(['armv6-native', 'armv6-viper']);

describe.skipIf(!haveGolden)('armv6 native/viper golden vectors (../shared/golden)', () => {
  if (!haveGolden) {
    console.warn('SKIPPED: ../shared/golden not found; the native emitter was NOT checked');
    return;
  }
  for (const entry of compileManifest().filter((e) => NATIVE_VARIANTS.has(e.group))) {
    it(`${entry.group}: ${entry.input}`, () => {
      // entries where the reference aborted carry no exit code (killed by SIGABRT): judge them as failures
      const verdict = runEntry(entry.rc == null ? { ...entry, rc: 1 } : entry);
      expect(verdict.detail, `${entry.group} ${entry.input}`).toBe('');
    });
  }
});
