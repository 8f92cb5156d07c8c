#!/usr/bin/env node
// Launcher: runs the bundled CLI built by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'mpi.js');
if (!existsSync(bundle)) {
  process.stderr.write('mpi: not built yet; run `npm run build` in ' + join(dirname(bundle), '..') + '\n');
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
