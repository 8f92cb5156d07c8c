// The qstr header generator: merges qstr definitions (preprocessed `Q(...)`
// and `QCFG(...)` lines, or qstrs found by scanning sources) and writes the
// generated header a MicroPython build includes (genhdr/qstrdefs.generated.h),
// byte-identical to the reference generator's output.
//
// Layout of the header: the null qstr, then the static qstrs in their fixed
// .mpy ABI order (pool 0), then every other qstr sorted by its bytes; those
// the runtime must number below 256 stay in pool 0 (QDEF0), the rest go to
// the sorted pool 1 (QDEF1). A qstr is identified by its C name, so two
// spellings with the same MP_QSTR_ name count once (the first one read).
import { bytesToByteString } from '../src/objects.ts';
import {
  type QcfgSetting,
  type QstrConfig,
  QstrInputError,
  type SourcePlace,
  maxQstrLength,
} from './config.ts';
import { qstrIdent } from './escape.ts';
import { qstrHash } from './hash.ts';
import { STATIC_QSTRS, UNSORTED_POOL_QSTRS } from './static.ts';

const STATIC_IDENTS: ReadonlySet<string> = new Set(STATIC_QSTRS.map(qstrIdent));

interface QstrEntry {
  readonly ident: string;
  /** UTF-8 byte string. */
  readonly qstr: string;
  readonly place: SourcePlace | undefined;
}

/** The qstrs and QCFG settings gathered from all inputs, in reading order. */
export class QstrDefinitions {
  private readonly byIdent = new Map<string, QstrEntry>();
  readonly settings = new Map<string, QcfgSetting>();

  /** Adds a qstr (UTF-8 byte string) unless one with the same C name is known. */
  add(qstr: string, place?: SourcePlace): void {
    const ident = qstrIdent(qstr);
    if (STATIC_IDENTS.has(ident) || this.byIdent.has(ident)) return;
    this.byIdent.set(ident, { ident, qstr, place });
  }

  setConfig(name: string, value: string, place: SourcePlace): void {
    this.settings.set(name, { value, place });
  }

  get size(): number {
    return this.byIdent.size;
  }

  /** The non-static qstrs, sorted by their bytes. */
  sortedEntries(): QstrEntry[] {
    return [...this.byIdent.values()].sort((a, b) => (a.qstr < b.qstr ? -1 : a.qstr > b.qstr ? 1 : 0));
  }
}

// Python's str.strip() whitespace (str.isspace), which the reference applies to each line.
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');
const Q_LINE = /^Q\(([\s\S]*)\)$/;
// Greedy on both parts, like the reference: the name runs to the last ", ".
const QCFG_LINE = /^QCFG\(([\s\S]+), ([\s\S]+)\)/;

/** UTF-16 text -> UTF-8 byte string (ASCII passes through unchanged). */
function utf8ByteString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : bytesToByteString(new TextEncoder().encode(text));
}

function decodeUtf8(data: Uint8Array, file: string): string {
  try {
    // the reference reads text as UTF-8 and keeps a byte order mark as U+FEFF
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
  } catch {
    let line = 1;
    let start = 0;
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let i = 0; i <= data.length; i++) {
      if (i === data.length || data[i] === 0x0a || data[i] === 0x0d) {
        try {
          strict.decode(data.subarray(start, i));
        } catch {
          throw new QstrInputError({ file, line }, 'not valid UTF-8');
        }
        if (data[i] === 0x0d && data[i + 1] === 0x0a) i++;
        line++;
        start = i + 1;
      }
    }
    throw new QstrInputError({ file, line }, 'not valid UTF-8');
  }
}

/**
 * Reads preprocessed qstr definitions: `QCFG(NAME, value)` lines set the
 * configuration, `Q(text)` lines define qstrs (`Q(\n)` and `Q(\r\n)` stand
 * for those control characters), other lines (C declarations a preprocessor
 * leaves) are skipped. A line that starts like a Q or QCFG line but is not
 * one is an error, as is text that is not UTF-8.
 */
export function readQstrDefinitions(data: Uint8Array, file: string, into: QstrDefinitions): void {
  const text = decodeUtf8(data, file);
  // universal newlines, as the reference's text-mode reading
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.length === 0 || (raw.indexOf('Q') < 0)) continue;
    const line = raw.replace(STRIP, '');
    const place = { file, line: i + 1 };
    const cfg = QCFG_LINE.exec(line);
    if (cfg) {
      let value = cfg[2]!;
      if (value.startsWith('(') && value.endsWith(')')) value = value.slice(1, -1);
      into.setConfig(cfg[1]!, value, place);
      continue;
    }
    if (line.startsWith('QCFG(')) throw new QstrInputError(place, `malformed QCFG line (expected 'QCFG(NAME, value)'): ${line}`);
    const q = Q_LINE.exec(line);
    if (!q) {
      if (line.startsWith('Q(')) throw new QstrInputError(place, `malformed Q line (expected 'Q(text)'): ${line}`);
      continue;
    }
    let qstr = q[1]!;
    if (qstr === '\\n') qstr = '\n';
    else if (qstr === '\\r\\n') qstr = '\r\n';
    into.add(utf8ByteString(qstr), place);
  }
}

// The string data as the header spells it: as-is when all printable ASCII
// without '\\' or '"', otherwise every byte as \xNN.
function cStringData(qstr: string): string {
  let printable = true;
  for (let i = 0; i < qstr.length; i++) {
    const c = qstr.charCodeAt(i);
    if (c < 32 || c > 126 || c === 0x5c || c === 0x22) {
      printable = false;
      break;
    }
  }
  if (printable) return qstr;
  let out = '';
  for (let i = 0; i < qstr.length; i++) out += '\\x' + qstr.charCodeAt(i).toString(16).padStart(2, '0');
  return out;
}

function qdef(pool: 0 | 1, ident: string, qstr: string, config: QstrConfig, place: SourcePlace | undefined): string {
  const max = maxQstrLength(config.bytesInLen);
  if (qstr.length > max) {
    throw new QstrInputError(
      place,
      `qstr is too long: ${qstr.length} bytes, BYTES_IN_LEN ${config.bytesInLen} allows at most ${max}`,
    );
  }
  return `QDEF${pool}(MP_QSTR_${ident}, ${qstrHash(qstr, config.bytesInHash)}, ${qstr.length}, "${cStringData(qstr)}")\n`;
}

/** The generated header text (ASCII) for the gathered definitions. */
export function renderQstrHeader(defs: QstrDefinitions, config: QstrConfig): string {
  const out: string[] = [
    '// This file was automatically generated by makeqstrdata.py\n',
    '\n',
    'QDEF0(MP_QSTRnull, 0, 0, "")\n',
  ];
  for (const s of STATIC_QSTRS) out.push(qdef(0, qstrIdent(s), s, config, undefined));
  for (const e of defs.sortedEntries()) {
    out.push(qdef(UNSORTED_POOL_QSTRS.has(e.qstr) ? 0 : 1, e.ident, e.qstr, config, e.place));
  }
  return out.join('');
}
