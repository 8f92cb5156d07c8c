// `npm run bench`: compile throughput of the built CLI.
//   1. one small file, cold CLI start to .mpy (median of several runs)
//   2. one call compiling a large folder: the golden cases replicated plus
//      generated multi-megabyte modules -> files/s, MB/s, peak RSS
//   3. single big modules of growing size, to show the cost stays linear
// Set MPY_CROSS_REF=/path/to/mpy-cross to time the reference on the same inputs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'mpy-cross-ts.js');
const CHILD = join(ROOT, 'scripts', 'bench-child.mjs');
const CASES = resolve(ROOT, '../shared/golden/compile/cases');
const REF = process.env.MPY_CROSS_REF;

const work = mkdtempSync(join(tmpdir(), 'mpi-bench-'));
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function generatedModule(bytes) {
  // varied statements so every compiler stage has work: functions, classes, literals, loops
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const chunk =
      `def func_${i}(a, b=${i}, *args, **kw):\n` +
      `    total = a + b * ${i % 97}\n` +
      `    for k in range(${i % 13}):\n` +
      `        total += k if k % 2 else -k\n` +
      `    return [total, "label ${i}", ${i}.25, (a, b), {"k": b}]\n` +
      `class Thing_${i}:\n` +
      `    x = ${i}\n` +
      `    def m(self):\n` +
      `        return self.x * 2 + len("${'s'.repeat(i % 40)}")\n` +
      `value_${i} = func_${i}(${i})\n`;
    parts.push(chunk);
    size += chunk.length;
  }
  return parts.join('');
}

function timeOurs(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CHILD, ...args], { cwd, maxBuffer: 1 << 30, encoding: 'utf8' });
  const elapsed = ms(t0);
  if (r.status !== 0) throw new Error(`mpy-cross-ts failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const rss = Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1] ?? 0) * 1024;
  return { elapsed, rss };
}

function timeRef(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(REF, args, { cwd, maxBuffer: 1 << 30 });
  return { elapsed: ms(t0), ok: r.status === 0, err: r.stderr?.toString().slice(0, 200) };
}

const fmtMB = (b) => (b / 1048576).toFixed(2);

// 1. one small file
{
  const f = join(work, 'small.py');
  writeFileSync(f, 'def greet(name):\n    return "hello " + name\n\nprint(greet("pi"))\n');
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CLI, f, '-o', join(work, 'small.mpy')]);
    runs.push(ms(t0));
    if (r.status !== 0) throw new Error(r.stderr.toString());
  }
  runs.sort((a, b) => a - b);
  console.log(`one small file (CLI start to .mpy): median ${runs[3].toFixed(1)} ms`);
  if (REF) {
    const refRuns = [];
    for (let i = 0; i < 7; i++) refRuns.push(timeRef([f, '-o', join(work, 'small-ref.mpy')]).elapsed);
    refRuns.sort((a, b) => a - b);
    console.log(`  reference mpy-cross: median ${refRuns[3].toFixed(1)} ms`);
  }
}

// 2. a large folder in one call
{
  const dir = join(work, 'folder');
  mkdirSync(dir);
  let files = [];
  if (existsSync(CASES)) {
    for (let copy = 0; copy < 20; copy++) {
      const sub = join(dir, `copy${copy}`);
      cpSync(CASES, sub, { recursive: true });
      files.push(...readdirSync(sub).filter((n) => n.endsWith('.py')).map((n) => join(`copy${copy}`, n)));
    }
  }
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(dir, `big${i}.py`), generatedModule(2 * 1024 * 1024));
    files.push(`big${i}.py`);
  }
  const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const { elapsed, rss } = timeOurs(files, dir);
  console.log(
    `folder: ${files.length} files, ${fmtMB(bytes)} MB in ${elapsed.toFixed(0)} ms: ` +
      `${(files.length / (elapsed / 1000)).toFixed(0)} files/s, ${(bytes / 1048576 / (elapsed / 1000)).toFixed(2)} MB/s, ` +
      `peak RSS ${fmtMB(rss)} MB`,
  );
}

// 3. linearity: one module of growing size
for (const mb of [0.5, 1.6, 5.3]) {
  const f = join(work, `gen_${mb}.py`);
  const src = generatedModule(mb * 1024 * 1024);
  writeFileSync(f, src);
  const { elapsed, rss } = timeOurs([f, '-o', join(work, `gen_${mb}.mpy`)], work);
  let line = `module ${fmtMB(src.length)} MB: ${elapsed.toFixed(0)} ms (${(src.length / 1048576 / (elapsed / 1000)).toFixed(2)} MB/s), peak RSS ${fmtMB(rss)} MB`;
  if (REF) {
    const r = timeRef(['-X', 'heapsize=2000m', f, '-o', join(work, `gen_${mb}.ref.mpy`)]);
    line += r.ok ? `; reference ${r.elapsed.toFixed(0)} ms` : `; reference failed: ${r.err}`;
  }
  console.log(line);
}

rmSync(work, { recursive: true, force: true });

// 4. the link benchmark (1,000 frozen modules: first link, relink after one change)
{
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench-link.mjs'), '--count', '1000', '--runs', '1'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('bench-link failed');
}
