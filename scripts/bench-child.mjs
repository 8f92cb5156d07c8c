// Runs the bundled mpy-cross-ts CLI in this process, then reports this
// process's peak RSS on stderr, so the bench can measure memory without
// platform-specific tools.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.argv = [process.argv[0], 'mpy-cross-ts', ...process.argv.slice(2)];
process.on('exit', () => {
  process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(join(ROOT, 'dist', 'mpy-cross-ts.js')).href);
