// Command line of `mpy-cross-ts`. Flags are parsed by hand, the way mpy-cross
// parses them (`-O2`, `-OO`, `-msmall-int-bits=63`, `-X emit=native` do not fit
// a generic option parser); messages follow the reference.
import { NATIVE_ARCHS, type EmitKind, type NativeArch } from '../options.ts';

export const PROG = 'mpy-cross-ts';
export const VERSION_TEXT = 'MicroPython v1.28.0 on 2026-11-24; mpy-cross emitting mpy v6.3 (mpy-cross-ts 0.1.0)';

export const USAGE = `usage: ${PROG} [<opts>] [-X <implopt>] [--] <input filename>...
Options:
--version : show version information
--help : show this help
-o : output file for compiled bytecode (defaults to input filename with .mpy extension, or stdout if input is stdin; - for stdout)
-s : source filename to embed in the compiled bytecode (defaults to input file)
-v : verbose (trace various operations); can be multiple
-O[N] : apply bytecode optimizations of level N
--config <mpconfig.json> : compile for the runtime that config describes

Target specific options:
-msmall-int-bits=number : set the maximum bits used to encode a small-int
-march=<arch> : set architecture for native emitter;
                x86, x64, armv6, armv6m, armv7m, armv7em, armv7emsp,
                armv7emdp, xtensa, xtensawin, rv32imc, rv64imc, host, debug
-march-flags=<flags> : set architecture-specific flags (can be either a dec/hex/bin value or a comma-separated flags string)
                       supported flags for rv32imc: zba, zcmp

Implementation specific options:
  emit={bytecode,native,viper} -- set the default code emitter
  heapsize=<n> -- accepted for compatibility; this compiler has no fixed heap

Several input files may be given: each is compiled to its own .mpy beside it
(-o and -s then refer to a single input and are refused).
`;

/** Thrown for command-line mistakes: message (if any) to stderr, then the usage text. */
export class UsageError extends Error {}

/** What the command line says; an undefined field was not given (defaults apply later). */
export interface CliOptions {
  inputs: string[];
  output?: string;
  sourceName?: string;
  optimize?: number;
  smallIntBits?: number;
  emit?: EmitKind;
  arch?: NativeArch;
  archFlags?: string;
  configFile?: string;
  verbose: number;
}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' | 'version' {
  const opts: CliOptions = { inputs: [], verbose: 0 };
  let parsingOptions = true;
  const needValue = (i: number, flag: string): string => {
    if (i + 1 >= argv.length) throw new UsageError(`option ${flag} needs a value`);
    return argv[i + 1]!;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!(parsingOptions && arg.startsWith('-') && arg.length > 1)) {
      opts.inputs.push(arg.replace(/\\/g, '/'));
      continue;
    }
    if (arg === '--') {
      parsingOptions = false;
    } else if (arg === '--version') {
      return 'version';
    } else if (arg === '--help' || arg === '-h') {
      return 'help';
    } else if (arg === '-X') {
      const impl = needValue(i, '-X');
      i++;
      if (impl === 'emit=bytecode' || impl === 'emit=native' || impl === 'emit=viper') {
        opts.emit = impl.slice(5) as EmitKind;
      } else if (!impl.startsWith('heapsize=')) {
        throw new UsageError(`unknown implementation option '${impl}'`);
      }
    } else if (arg === '-v') {
      opts.verbose++;
    } else if (arg.startsWith('-O')) {
      // -O3 sets the level directly; -OOO counts the O's (as mpy-cross does)
      const digit = arg.charCodeAt(2);
      if (digit >= 0x30 && digit <= 0x39) {
        opts.optimize = digit & 0xf;
      } else {
        let n = 0;
        for (let p = 1; p < arg.length && arg[p] === 'O'; p++) n++;
        opts.optimize = n;
      }
    } else if (arg === '-o') {
      opts.output = needValue(i, '-o');
      i++;
    } else if (arg === '-s') {
      opts.sourceName = needValue(i, '-s').replace(/\\/g, '/');
      i++;
    } else if (arg === '--config') {
      opts.configFile = needValue(i, '--config');
      i++;
    } else if (arg.startsWith('-msmall-int-bits=')) {
      const text = arg.slice('-msmall-int-bits='.length);
      const bits = parseCInteger(text);
      if (bits === undefined) throw new UsageError(`invalid small-int bits '${text}'`);
      opts.smallIntBits = bits;
    } else if (arg.startsWith('-march=')) {
      const arch = arg.slice('-march='.length);
      const resolved = arch === 'host' ? hostArch() : arch;
      if (!(NATIVE_ARCHS as readonly string[]).includes(resolved)) throw new UsageError(`unknown arch '${arch}'`);
      opts.arch = resolved as NativeArch;
    } else if (arg.startsWith('-march-flags=')) {
      opts.archFlags = arg.slice('-march-flags='.length);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }
  return opts;
}

/** strtol(text, &end, 0) that must consume the whole text. */
function parseCInteger(text: string): number | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  const value = body.length > 1 && body[0] === '0' && (body[1] === 'x' || body[1] === 'X')
    ? parseInt(body.slice(2), 16)
    : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === '-' ? -value : value;
}

function hostArch(): string {
  if (process.arch === 'x64') return 'x64';
  if (process.arch === 'ia32') return 'x86';
  if (process.arch === 'arm') return 'armv6';
  if (process.arch === 'riscv64') return 'rv64imc';
  return 'unknown-host';
}

/** What mpy-cross checks after parsing, with its messages. Returns an error line or undefined. */
export function checkCombination(opts: CliOptions): string | undefined {
  if (opts.archFlags !== undefined && opts.arch !== undefined) {
    if (opts.arch !== 'rv32imc' || rv32FlagsValue(opts.archFlags) === undefined) return 'unrecognised arch flags';
  }
  if ((opts.emit === 'native' || opts.emit === 'viper') && opts.arch === undefined) return 'arch not specified';
  if (opts.inputs.length === 0) return 'no input file';
  if (opts.inputs.length > 1) {
    if (opts.output !== undefined) return 'multiple input files: -o needs a single input';
    if (opts.sourceName !== undefined) return 'multiple input files: -s needs a single input';
    if (opts.inputs.includes('-')) return 'multiple input files: - (stdin) must be the only input';
  }
  return undefined;
}

/**
 * The RISC-V extension bits of -march-flags, as mpy-cross reads them: an
 * integer (decimal, or 0x/0b with at least one digit; whitespace, a sign and
 * underscores are accepted like Python int literals) naming only known bits,
 * or a comma-separated list of extension names. Undefined if not valid.
 */
export function rv32FlagsValue(flags: string): number | undefined {
  const integer = parseFlagsInteger(flags);
  if (integer !== undefined) return (integer & ~RV32_KNOWN_EXTENSIONS) === 0 && integer >= 0 ? integer : undefined;
  let value = 0;
  let at = 0;
  while (at < flags.length) {
    let end = flags.indexOf(',', at);
    if (end < 0) end = flags.length;
    const name = flags.slice(at, end);
    if (name === 'zba') value |= 1;
    else if (name === 'zcmp') value |= 2;
    else return undefined;
    at = end + 1;
  }
  return value !== 0 ? value : undefined;
}

function parseFlagsInteger(text: string): number | undefined {
  let base = 10;
  if (text.length > 2 && text[0] === '0') {
    const p = text[1]!.toLowerCase();
    if (p === 'b') base = 2;
    else if (p === 'x') base = 16;
    else return undefined;
  }
  const digits = base === 16 ? '[0-9a-fA-F]' : base === 2 ? '[01]' : '[0-9]';
  const prefix = base === 16 ? '(?:0[xX])?' : base === 2 ? '(?:0[bB])?' : '';
  const m = new RegExp(`^\\s*([+-]?)${prefix}(${digits}(?:_?${digits})*)\\s*$`).exec(text);
  if (!m) return undefined;
  const n = parseInt(m[2]!.replace(/_/g, ''), base);
  if (!Number.isSafeInteger(n) || n >= 2 ** 30) return undefined; // not a small int in the reference
  return m[1] === '-' ? -n : n;
}

const RV32_KNOWN_EXTENSIONS = 0x3; // zba | zcmp
