#!/usr/bin/env node
// Link benchmark (issue #6: the time to relink after changing one module).
// Generates N frozen modules, then times whole `mpi link` processes with the
// probe runtime: the first link (empty compile cache), a relink after
// changing one module, a relink with nothing changed, and a relink with
// --no-cache (everything compiled again). Prints the figures and the sizes.
//
// Usage: npm run build && node scripts/bench-link.mjs [--count N] [--board RPI1|RPI2] [--runs R] [--json]
// Standalone: scripts/bench.mjs may run it as a child and read --json output.
import { mkdirSync, mkdtempSync, writeFileSync, statSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const opts = { count: '1000', board: 'RPI2', runs: '3', json: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--json') opts.json = true;
  else if (/^--(count|board|runs)$/.test(a) && i + 1 < process.argv.length) opts[a.slice(2)] = process.argv[++i];
  else {
    console.error(`bench-link: unknown argument ${a} (use --count N --board RPI1|RPI2 --runs R --json)`);
    process.exit(2);
  }
}
const count = Number(opts.count);
const board = opts.board.toUpperCase();
const runs = Math.max(1, Number(opts.runs));
const asJson = opts.json;

const mpi = join(root, 'bin', 'mpi.js');
const runtime = join(root, 'fixtures', 'runtime', 'prebuilt', `${board.toLowerCase()}.o`);
if (!existsSync(join(root, 'dist', 'mpi.js'))) {
  console.error('bench-link: dist/mpi.js is missing: run `npm run build` first');
  process.exit(2);
}
if (!existsSync(runtime)) {
  console.error(`bench-link: no prebuilt runtime for ${board} (${runtime})`);
  process.exit(2);
}

function moduleSource(i, salt = 0) {
  const lines = [`# generated module ${i}`, `import micropython`, `CONST_${i} = ${i * 7 + salt}`];
  lines.push(`class Thing${i}:`, `    def __init__(self, x):`, `        self.x = x + ${i}`, `    def area(self, y):`, `        return [self.x * y + k for k in range(${(i % 7) + 1})]`);
  for (let f = 0; f < 6; f++) {
    lines.push(`def fn_${i}_${f}(a, b=${f}, *args, **kw):`, `    s = "m${i}f${f}-" + str(a)`, `    for k in range(b):`, `        s += "%d," % (k * ${f + 1})`, `    return {"s": s, "n": len(args), "kw": sorted(kw)}`);
  }
  return lines.join('\n') + '\n';
}

const dir = mkdtempSync(join(tmpdir(), 'mpi-bench-link-'));
const frozen = join(dir, 'frozen');
const config = join(dir, 'mpconfig.json');
const image = join(dir, 'out', 'firmware.img');
mkdirSync(join(dir, 'out'));
for (let i = 0; i < count; i++) {
  const sub = join(frozen, `pkg${Math.floor(i / 100)}`);
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, `mod${i}.py`), moduleSource(i));
}
writeFileSync(join(frozen, 'main.py'), 'print("bench")\n');
writeFileSync(config, JSON.stringify({ board, link: { runtime, freeze: ['frozen'], output: 'out/firmware.img' } }));

/** One whole `mpi link` process; returns wall time in ms and the report line about the ROMFS. */
function link(extra = []) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [mpi, 'link', '--config', config, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, report: out };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let salt = 0;
const results = {};
try {
  const first = link();
  results.firstLink = first.ms;
  const romfs = /ROMFS: ([^;\n]+?) holding/.exec(first.report)?.[1];
  const times = { changedOne: [], unchanged: [], noCache: [] };
  for (let r = 0; r < runs; r++) {
    writeFileSync(join(frozen, 'pkg0', 'mod0.py'), moduleSource(0, ++salt));
    times.changedOne.push(link().ms);
    times.unchanged.push(link().ms);
    writeFileSync(join(frozen, 'pkg0', 'mod0.py'), moduleSource(0, ++salt));
    times.noCache.push(link(['--no-cache']).ms);
  }
  results.relinkChangedOne = median(times.changedOne);
  results.relinkUnchanged = median(times.unchanged);
  results.relinkNoCache = median(times.noCache);
  results.imageBytes = statSync(image).size;
  results.romfs = romfs;
  results.modules = count + 1;
  results.board = board;

  if (asJson) {
    console.log(JSON.stringify({ bench: 'link', ...results }));
  } else {
    console.log(`mpi link: ${count + 1} frozen modules, board ${board}, whole processes, median of ${runs}`);
    console.log(`  first link (empty compile cache):   ${results.firstLink.toFixed(0)} ms`);
    console.log(`  relink after changing one module:   ${results.relinkChangedOne.toFixed(0)} ms`);
    console.log(`  relink with nothing changed:        ${results.relinkUnchanged.toFixed(0)} ms`);
    console.log(`  relink with --no-cache:             ${results.relinkNoCache.toFixed(0)} ms`);
    console.log(`  firmware.img ${results.imageBytes} bytes; ROMFS ${romfs}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
