// The .mpy files we produce are not only the right bytes: they run. Golden
// cases are compiled by us and imported in the real MicroPython VM
// (WebAssembly build from npm); the output must equal importing the source
// there. Where the VM's own compiler (v1.27) is older than the reference
// (v1.28) and runs the source differently from the reference's .mpy (newer
// syntax, fixed bugs), the reference's .mpy is the oracle instead.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/compile.ts';
import { GOLDEN, haveGolden } from './golden.ts';
import { runModule, type VmResult } from '../helpers/vm.ts';

const CASES = join(GOLDEN, 'compile/cases');

/** Object reprs print heap addresses, which depend on allocation history. */
function normalise(r: VmResult): VmResult {
  const strip = (s: string) => s.replace(/ at [0-9a-fx]+>/g, ' at ADDR>');
  return { output: strip(r.output), exception: r.exception && strip(r.exception) };
}

describe.skipIf(!haveGolden)('compiled programs run in the MicroPython VM like their source', () => {
  const names = haveGolden ? readdirSync(CASES).filter((n) => n.endsWith('.py')).sort() : [];
  // every 5th case: a spread over the corpus that keeps the suite quick
  for (const name of names.filter((_, i) => i % 5 === 0)) {
    it(name, async () => {
      const source = readFileSync(join(CASES, name));
      const module = 'case_' + name.slice(0, -3).replace(/\W/g, '_');
      let oracle = normalise(await runModule(module, 'py', source));
      const referenceMpy = readFileSync(join(GOLDEN, 'compile/expected/base', name.replace(/\.py$/, '.mpy')));
      const reference = normalise(await runModule(module, 'mpy', referenceMpy));
      if (JSON.stringify(reference) !== JSON.stringify(oracle)) oracle = reference;
      const ours = await runModule(module, 'mpy', compile(source, { sourceName: name }));
      expect(normalise(ours)).toEqual(oracle);
    });
  }
});
