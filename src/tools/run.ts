// `mpi run`: runs a frozen tree on the MicroPython WebAssembly VM (v1.27,
// loads v6 .mpy). The tree is mounted at /rom with /rom and /rom/lib on
// sys.path, then `main` is imported (or the given file runs as __main__).
// The VM runs in a worker thread so a timeout can stop it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface RunFile {
  /** path under /rom, '/'-separated, no leading slash */
  readonly path: string;
  readonly data: Uint8Array;
}

export interface RunRequest {
  readonly files: readonly RunFile[];
  /** file under /rom to run as __main__; undefined: import main */
  readonly mainFile?: string;
  readonly argv: readonly string[];
  readonly timeoutSeconds?: number;
  readonly heapBytes?: number;
  readonly stdout: (chunk: Uint8Array) => void;
  readonly stderr: (chunk: Uint8Array) => void;
}

export interface RunResult {
  /** the program's exit status: 0, 1 for an uncaught exception, or sys.exit's code */
  readonly exitCode: number;
  readonly timedOut: boolean;
  /** milliseconds from start until the VM was ready to run the program */
  readonly startupMs: number;
}

export class RunSetupError extends Error {}

const WASM_PACKAGE = '@micropython/micropython-webassembly-pyscript';

export function locateVm(): string {
  try {
    const require = createRequire(import.meta.url);
    return pathToFileURL(require.resolve(`${WASM_PACKAGE}/micropython.mjs`)).href;
  } catch {
    throw new RunSetupError(`mpi run needs the npm package ${WASM_PACKAGE} (npm install ${WASM_PACKAGE})`);
  }
}

// The worker: plain JS (evaluated as a script), loads the VM by URL, writes
// the files, runs a small Python driver and reports the exit status.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { loadMicroPython } = await import(workerData.vmUrl);
  const chunks = { out: [], err: [] };
  const flush = (which) => {
    const list = chunks[which];
    if (list.length) { parentPort.postMessage({ type: which, data: Uint8Array.from(list) }); list.length = 0; }
  };
  const sink = (which) => (bytes) => {
    const list = chunks[which];
    for (const b of bytes) list.push(b);
    if (bytes.includes(10) || list.length > 4096) flush(which);
  };
  const mp = await loadMicroPython({ heapsize: workerData.heap, linebuffer: false, stdout: sink('out'), stderr: sink('err') });
  const FS = mp.FS;
  const mkdirs = (dir) => {
    let cur = '';
    for (const part of dir.split('/').filter(Boolean)) {
      cur += '/' + part;
      try { FS.mkdir(cur); } catch (e) { /* exists */ }
    }
  };
  mkdirs('/rom');
  for (const f of workerData.files) {
    const full = '/rom/' + f.path;
    mkdirs(full.slice(0, full.lastIndexOf('/')));
    FS.writeFile(full, f.data);
  }
  parentPort.postMessage({ type: 'ready' });
  mp.globals.set('_mpi_argv', workerData.argv.join('\\u0000'));
  mp.globals.set('_mpi_main', workerData.mainFile || '');
  let rc = 1;
  try {
    mp.runPython(workerData.driver);
    rc = Number(mp.globals.get('_mpi_rc'));
  } catch (e) {
    sink('err')(new TextEncoder().encode(String(e && e.message || e) + '\\n'));
  }
  flush('out'); flush('err');
  parentPort.postMessage({ type: 'exit', code: rc });
})().catch((e) => { parentPort.postMessage({ type: 'fatal', message: String(e && e.stack || e) }); });
`;

// Python side: set up sys.path/argv, run, map the outcome to an exit status.
const DRIVER = `
import sys
sys.path[:0] = ['/rom', '/rom/lib']
sys.argv[:] = _mpi_argv.split('\\x00') if _mpi_argv else ['main']
_mpi_rc = 0
try:
    if _mpi_main:
        _mpi_g = {'__name__': '__main__', '__file__': _mpi_main}
        with open(_mpi_main) as _mpi_f:
            _mpi_src = _mpi_f.read()
        exec(compile(_mpi_src, _mpi_main, 'exec'), _mpi_g)
    else:
        import main
except SystemExit as _mpi_e:
    _mpi_c = _mpi_e.args[0] if _mpi_e.args else None
    if _mpi_c is None:
        _mpi_rc = 0
    elif isinstance(_mpi_c, int):
        _mpi_rc = _mpi_c
    else:
        print(_mpi_c, file=sys.stderr)
        _mpi_rc = 1
except BaseException as _mpi_e:
    sys.print_exception(_mpi_e, sys.stderr)
    _mpi_rc = 1
`;

export function runOnVm(req: RunRequest): Promise<RunResult> {
  const vmUrl = locateVm();
  const t0 = performance.now();
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        vmUrl,
        files: req.files.map((f) => ({ path: f.path, data: f.data })),
        mainFile: req.mainFile ? `/rom/${req.mainFile}` : undefined,
        argv: req.argv,
        heap: req.heapBytes ?? 8 * 1024 * 1024,
        driver: DRIVER,
      },
    });
    let startupMs = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: RunResult | Error): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      void worker.terminate();
      if (r instanceof Error) reject(r);
      else resolvePromise(r);
    };
    if (req.timeoutSeconds !== undefined) {
      timer = setTimeout(() => finish({ exitCode: 124, timedOut: true, startupMs }), req.timeoutSeconds * 1000);
    }
    worker.on('message', (m: { type: string; data?: Uint8Array; code?: number; message?: string }) => {
      if (m.type === 'out') req.stdout(m.data!);
      else if (m.type === 'err') req.stderr(m.data!);
      else if (m.type === 'ready') startupMs = performance.now() - t0;
      else if (m.type === 'exit') finish({ exitCode: m.code!, timedOut: false, startupMs });
      else if (m.type === 'fatal') finish(new RunSetupError(`the MicroPython VM failed: ${m.message}`));
    });
    worker.on('error', (e) => finish(new RunSetupError(`the MicroPython VM failed: ${e.message}`)));
    worker.on('exit', () => finish(new RunSetupError('the MicroPython VM stopped without reporting')));
  });
}
