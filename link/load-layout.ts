// Loads a layout spec module (.ts) at run time. The shipped layouts are
// compiled in; any other spec is transpiled with the `typescript` package
// into a temporary .mjs whose import of the layout API is pointed at the API
// of this running program, then imported.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LinkError } from './errors.ts';
import * as layoutApi from './layout.ts';
import { isLayout, type Layout } from './layout.ts';
import { packageRoot } from '../src/config/resolve.ts';
import rpi1 from './layouts/rpi1.ts';
import rpi2 from './layouts/rpi2.ts';

export const BUILTIN_LAYOUTS: Readonly<Record<string, Layout>> = { rpi1, rpi2 };

/** Import specifiers a spec may use for the layout API. */
function isApiSpecifier(spec: string): boolean {
  return spec === 'mpy-cross-ts/layout' || spec === 'mpy-cross-ts/link/layout' || /(^|\/)link\/layout(\.ts|\.js)?$/.test(spec) ||
    /^\.\.?\/(\.\.\/)*layout(\.ts|\.js)?$/.test(spec);
}

function canonical(p: string): string {
  try { return realpathSync(p); } catch { return resolve(p); }
}

/** `name` (rpi1/rpi2) or the path of a spec module. */
export async function loadLayout(spec: string): Promise<Layout> {
  const builtin = BUILTIN_LAYOUTS[spec.toLowerCase()];
  if (builtin) return builtin;
  // The config points at the package's own layouts by path: use the compiled-in ones.
  const m = /(?:^|[\\/])link[\\/]layouts[\\/](rpi[12])\.ts$/.exec(spec);
  if (m && canonical(join(packageRoot(), 'link', 'layouts', `${m[1]}.ts`)) === canonical(spec)) return BUILTIN_LAYOUTS[m[1]!]!;
  let source: string;
  try {
    source = readFileSync(spec, 'utf8');
  } catch (err) {
    throw new LinkError(`${spec}: cannot read layout spec: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let ts: typeof import('typescript');
  try {
    const name = 'typescript';
    ts = ((await import(name)) as { default: typeof import('typescript') }).default;
  } catch {
    throw new LinkError(`${spec}: loading a .ts layout spec needs the 'typescript' package (npm install typescript)`);
  }
  const out = ts.transpileModule(source, {
    fileName: basename(spec),
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  const diag = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (diag) {
    const pos = diag.file && diag.start !== undefined ? diag.file.getLineAndCharacterOfPosition(diag.start) : undefined;
    throw new LinkError(`${spec}${pos ? `:${pos.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(diag.messageText, ' ')}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'mpi-layout-'));
  try {
    const g = globalThis as { __mpiLayoutApi?: unknown };
    g.__mpiLayoutApi = layoutApi;
    const names = Object.keys(layoutApi).join(', ');
    writeFileSync(join(dir, 'api.mjs'), `export const { ${names} } = globalThis.__mpiLayoutApi;\n`);
    let bad: string | undefined;
    const code = out.outputText.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g, (all, kw: string, q: string, s: string) => {
      if (isApiSpecifier(s)) return `${kw}${q}./api.mjs${q}`;
      bad ??= s;
      return all;
    });
    if (bad !== undefined) throw new LinkError(`${spec}: a layout spec may import only the layout API ('mpy-cross-ts/layout'), not '${bad}'`);
    const file = join(dir, 'layout.mjs');
    writeFileSync(file, code);
    let mod: { default?: unknown };
    try {
      mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default?: unknown };
    } catch (err) {
      throw new LinkError(`${spec}: ${(err as Error).message.replace(/^layout: /, '')}`);
    }
    if (!isLayout(mod.default)) throw new LinkError(`${spec}: the default export must be defineLayout({...})`);
    return mod.default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
