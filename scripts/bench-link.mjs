#!/usr/bin/env node
// Link benchmark: 1,000 generated frozen modules + the probe runtime ->
// firmware.img, then a relink after changing one module.
// Usage: npm run build && node scripts/bench-link.mjs [count] [board]
import { mkdirSync, mkdtempSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.argv[2] ?? 1000);
const board = (process.argv[3] ?? 'RPI2').toUpperCase();
const dir = mkdtempSync(join(tmpdir(), 'mpi-bench-link-'));
const frozen = join(dir, 'frozen');

function moduleSource(i, salt = 0) {
  const lines = [`# generated module ${i}`, `import micropython`, `CONST_${i} = ${i * 7 + salt}`];
  lines.push(`class Thing${i}:`, `    def __init__(self, x):`, `        self.x = x + ${i}`, `    def area(self, y):`, `        return [self.x * y + k for k in range(${(i % 7) + 1})]`);
  for (let f = 0; f < 6; f++) {
    lines.push(`def fn_${i}_${f}(a, b=${f}, *args, **kw):`, `    s = "m${i}f${f}-" + str(a)`, `    for k in range(b):`, `        s += "%d," % (k * ${f + 1})`, `    return {"s": s, "n": len(args), "kw": sorted(kw)}`);
  }
  return lines.join('\n') + '\n';
}

for (let i = 0; i < count; i++) {
  const sub = join(frozen, `pkg${Math.floor(i / 100)}`);
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, `mod${i}.py`), moduleSource(i));
}
writeFileSync(join(frozen, 'main.py'), 'print("bench")\n');
const config = join(dir, 'mpconfig.json');
writeFileSync(config, JSON.stringify({
  board,
  link: { runtime: join(root, 'fixtures', 'runtime', 'prebuilt', `${board.toLowerCase()}.o`), freeze: ['frozen'], output: 'firmware.img' },
}));

const mpi = join(root, 'bin', 'mpi.js');
function timed(label) {
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, [mpi, 'link', '--config', config, '--quiet'], { stdio: 'inherit' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label}: ${ms.toFixed(0)} ms (image ${statSync(join(dir, 'firmware.img')).size} bytes)`);
  return ms;
}
console.log(`${count} frozen modules, board ${board}`);
timed('first link (compile + ROMFS + link, whole process)');
writeFileSync(join(frozen, 'pkg0', 'mod0.py'), moduleSource(0, 1));
timed('relink after changing one module');
rmSync(dir, { recursive: true, force: true });
