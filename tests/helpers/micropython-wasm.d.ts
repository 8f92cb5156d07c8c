// Minimal typing of the parts of the MicroPython WebAssembly package the tests use.
declare module '@micropython/micropython-webassembly-pyscript' {
  export interface MicroPythonInstance {
    FS: { mkdir(path: string): void; writeFile(path: string, data: Uint8Array | string): void };
    runPython(code: string): unknown;
    pyimport(name: string): unknown;
  }
  export function loadMicroPython(options?: {
    heapsize?: number;
    pystack?: number;
    linebuffer?: boolean;
    stdout?: (data: Uint8Array) => void;
    stderr?: (data: Uint8Array) => void;
  }): Promise<MicroPythonInstance>;
}
