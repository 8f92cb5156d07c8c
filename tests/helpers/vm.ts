// Runs Python in the real MicroPython VM (WebAssembly build from npm), a fresh
// VM per run so module caches and globals never leak between programs.
import { loadMicroPython } from '@micropython/micropython-webassembly-pyscript';

export interface VmResult {
  output: string;
  /** `Type: message` of an uncaught exception, if any */
  exception?: string;
}

async function freshVm(sink: { text: string }) {
  return loadMicroPython({
    heapsize: 8 * 1024 * 1024,
    linebuffer: false,
    stdout: (b: Uint8Array) => (sink.text += Buffer.from(b).toString('latin1')),
    stderr: (b: Uint8Array) => (sink.text += Buffer.from(b).toString('latin1')),
  });
}

function describeError(e: unknown): string {
  const err = e as { name?: string; type?: string; message?: string };
  if (err?.name !== 'PythonError') throw e;
  // the message is a traceback whose last line is `Type: message`
  const lines = (err.message ?? '').trim().split('\n');
  return lines[lines.length - 1] ?? String(err.type);
}

/**
 * Imports module `name` from a file (`name.py` source or `name.mpy`) placed in
 * a fresh VM's filesystem; importing both forms the same way keeps `__name__`
 * and friends equal between them.
 */
export async function runModule(name: string, kind: 'py' | 'mpy', data: Uint8Array): Promise<VmResult> {
  const sink = { text: '' };
  const mp = await freshVm(sink);
  mp.FS.mkdir('/mpi');
  mp.FS.writeFile(`/mpi/${name}.${kind}`, data);
  try {
    mp.runPython(`import sys\nsys.path.insert(0, '/mpi')\nimport ${name}\n`);
    return { output: sink.text };
  } catch (e) {
    return { output: sink.text, exception: describeError(e) };
  }
}
