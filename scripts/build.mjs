// Bundles each CLI into one file so a one-file compile is not dominated by module loading.
import { build } from 'esbuild';

const entries = {
  'mpy-cross-ts': 'src/cli/mpy-cross.ts',
  mpi: 'src/cli/mpi.ts',
};

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  // Packages with native parts or wasm stay external and load from node_modules.
  external: ['@micropython/micropython-webassembly-pyscript', 'elfy'],
  banner: { js: "import { createRequire as __mpiCreateRequire } from 'node:module'; const require = __mpiCreateRequire(import.meta.url);" },
});
