// `mpi dis`: a stable, readable listing of a .mpy file (the information
// upstream's mpy-tool.py -d shows, plus the source line of every opcode),
// and the same as JSON.
import { ArgFormat, CHILD_OPS, Op, type DecodedOp } from '../bytecode-ops.ts';
import { sourceLineAt, type MpyConst, type MpyFile, type MpyRawCode } from '../mpy-reader.ts';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');

/** Python-style repr of a byte string, as text (escapes non-printables). */
function pyStrRepr(s: string, prefix: '' | 'b'): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = prefix + quote;
  if (prefix === '') {
    // str constants hold UTF-8: show the decoded text
    const text = new TextDecoder().decode(Uint8Array.from(s, (ch) => ch.charCodeAt(0)));
    for (const ch of text) out += escapeChar(ch, quote, false);
  } else {
    for (const ch of s) out += escapeChar(ch, quote, true);
  }
  return out + quote;
}

function escapeChar(ch: string, quote: string, bytes: boolean): string {
  const c = ch.codePointAt(0)!;
  if (ch === '\\' || ch === quote) return '\\' + ch;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (c < 0x20 || c === 0x7f || (bytes && c > 0x7e)) return '\\x' + c.toString(16).padStart(2, '0');
  return ch;
}

export function constRepr(c: MpyConst): string {
  switch (c.kind) {
    case 'funtable':
      return '<fun_table>';
    case 'none':
      return 'None';
    case 'false':
      return 'False';
    case 'true':
      return 'True';
    case 'ellipsis':
      return 'Ellipsis';
    case 'str':
      return pyStrRepr(c.value, '');
    case 'bytes':
      return pyStrRepr(c.value, 'b');
    case 'int':
    case 'float':
    case 'complex':
      return c.text;
    case 'tuple':
      return '(' + c.items.map(constRepr).join(', ') + (c.items.length === 1 ? ',)' : ')');
  }
}

function qstrText(f: MpyFile, i: number): string {
  return new TextDecoder().decode(Uint8Array.from(f.qstrs[i]!.value, (ch) => ch.charCodeAt(0)));
}

function functionName(f: MpyFile, rc: MpyRawCode): string {
  return rc.prelude ? qstrText(f, rc.prelude.simpleName) : `<${rc.kind} code>`;
}

/** The decoded argument of one opcode, as shown in listings. */
function argText(f: MpyFile, rc: MpyRawCode, op: DecodedOp): string {
  const parts: string[] = [];
  if (op.format === ArgFormat.Qstr) parts.push(qstrText(f, op.arg!));
  else if (op.opcode === Op.LOAD_CONST_OBJ) parts.push(`${op.arg} ${constRepr(f.consts[op.arg!]!)}`);
  else if (CHILD_OPS.has(op.opcode)) parts.push(`${op.arg} ${functionName(f, rc.children[op.arg!]!)}`);
  else if (op.format === ArgFormat.Offset) parts.push(`${op.arg} -> ${op.target! - rc.prelude!.opcodesStart}`);
  else if (op.format === ArgFormat.VarUint) parts.push(op.bigArg !== undefined ? op.bigArg.toString() : String(op.arg));
  if (op.extra !== undefined) parts.push(`extra ${op.extra}`);
  return parts.join(' ');
}

export function disassembleText(f: MpyFile, fileName: string): string {
  const lines: string[] = [];
  const h = f.header;
  lines.push(`mpy_file: ${fileName} (${f.size} bytes)`);
  lines.push(`source_file: ${qstrText(f, 0)}`);
  lines.push(`header: ${hex(Uint8Array.of(0x4d, h.version, h.feature, h.smallIntBits))}`);
  lines.push(`version: ${h.version}.${h.arch === 0 ? 'x' : h.subVersion}  arch: ${h.archName}  small_int_bits: ${h.smallIntBits}` + (h.archFlags !== undefined ? `  arch_flags: 0x${h.archFlags.toString(16)}` : ''));
  lines.push(`qstr_table[${f.qstrs.length}]:`);
  f.qstrs.forEach((q, i) => lines.push(`  ${String(i).padStart(4)}: ${qstrText(f, i)}${q.staticIndex !== undefined ? `  (static ${q.staticIndex})` : ''}`));
  lines.push(`obj_table[${f.consts.length}]:`);
  f.consts.forEach((c, i) => lines.push(`  ${String(i).padStart(4)}: ${c.kind} ${constRepr(c)}`));
  const visit = (rc: MpyRawCode, path: string): void => {
    lines.push('');
    lines.push(`function ${path} (${rc.kind}, ${rc.funData.length} bytes at file offset ${rc.funDataOffset})`);
    const p = rc.prelude;
    if (p) {
      lines.push(
        `  prelude: n_state=${p.nState} n_exc_stack=${p.nExcStack} scope_flags=0x${p.scopeFlags.toString(16)} ` +
          `n_pos_args=${p.nPosArgs} n_kwonly_args=${p.nKwonlyArgs} n_def_pos_args=${p.nDefPosArgs} n_info=${p.nInfo} n_cell=${p.nCell}`,
      );
      lines.push(`  args: [${p.argNames.map((a) => qstrText(f, a)).join(', ')}]`);
      if (p.cells.length) lines.push(`  cells: [${p.cells.join(', ')}]`);
      if (rc.kind === 'bytecode') {
        lines.push(`  line info: ${hex(rc.funData.subarray(p.lineInfoStart, p.lineInfoEnd))}`);
        lines.push(`  lines: ${p.lines.map((e) => `${e.bcOffset}:${e.line}`).join(' ')}`);
      }
    }
    if (rc.kind === 'native') {
      lines.push(`  prelude_offset: ${rc.preludeOffset}${rc.actualPreludeOffset !== undefined ? ` (wrapped; prelude found at ${rc.actualPreludeOffset})` : ''}`);
    }
    if (rc.scopeFlags !== undefined) lines.push(`  scope_flags: 0x${rc.scopeFlags.toString(16)}`);
    if (rc.kind === 'asm') lines.push(`  asm: n_pos_args=${rc.asmNPosArgs} type_sig=0x${rc.asmTypeSig!.toString(16)}`);
    if (rc.rodata) lines.push(`  rodata: ${rc.rodata.length} bytes`);
    if (rc.bssSize !== undefined) lines.push(`  bss: ${rc.bssSize} bytes`);
    if (rc.relocs) lines.push(`  relocations: ${rc.relocs.length}`);
    if (rc.kind !== 'bytecode') {
      const n = rc.kind === 'native' ? (rc.actualPreludeOffset ?? rc.preludeOffset!) : rc.funData.length;
      lines.push(`  machine code: ${n} bytes${n > 32 ? ` (first 32: ${hex(rc.funData.subarray(0, 32))})` : `: ${hex(rc.funData.subarray(0, n))}`}`);
    }
    if (rc.children.length) lines.push(`  children: [${rc.children.map((c) => functionName(f, c)).join(', ')}]`);
    if (rc.ops && p) {
      lines.push('   offset bytes          line  opcode');
      for (const op of rc.ops) {
        const bc = op.offset - p.opcodesStart;
        const bytes = hex(rc.funData.subarray(op.offset, op.offset + op.size));
        const arg = argText(f, rc, op);
        lines.push(`  ${String(bc).padStart(6)} ${bytes.padEnd(14)} ${String(sourceLineAt(p, bc)).padStart(5)}  ${op.name}${arg ? ' ' + arg : ''}`);
      }
    }
    rc.children.forEach((c, i) => visit(c, `${path}.${i}:${functionName(f, c)}`));
  };
  visit(f.root, functionName(f, f.root));
  return lines.join('\n') + '\n';
}

export function disassembleJson(f: MpyFile, fileName: string): unknown {
  const fn = (rc: MpyRawCode): unknown => {
    const p = rc.prelude;
    return {
      name: functionName(f, rc),
      kind: rc.kind,
      fileOffset: rc.funDataOffset,
      size: rc.funData.length,
      prelude: p && {
        nState: p.nState,
        nExcStack: p.nExcStack,
        scopeFlags: p.scopeFlags,
        nPosArgs: p.nPosArgs,
        nKwonlyArgs: p.nKwonlyArgs,
        nDefPosArgs: p.nDefPosArgs,
        nInfo: p.nInfo,
        nCell: p.nCell,
        args: p.argNames.map((a) => qstrText(f, a)),
        cells: p.cells,
        lines: p.lines,
      },
      preludeOffset: rc.preludeOffset,
      actualPreludeOffset: rc.actualPreludeOffset,
      scopeFlags: rc.scopeFlags,
      ops:
        rc.ops && p
          ? rc.ops.map((op) => ({
              offset: op.offset - p.opcodesStart,
              bytes: hex(rc.funData.subarray(op.offset, op.offset + op.size)),
              line: sourceLineAt(p, op.offset - p.opcodesStart),
              opcode: op.opcode,
              name: op.name,
              arg: op.bigArg !== undefined ? op.bigArg.toString() : op.arg,
              extra: op.extra,
              target: op.target !== undefined ? op.target - p.opcodesStart : undefined,
              text: argText(f, rc, op) || undefined,
            }))
          : undefined,
      children: rc.children.map(fn),
    };
  };
  const h = f.header;
  return {
    file: fileName,
    size: f.size,
    sourceFile: qstrText(f, 0),
    header: { version: h.version, subVersion: h.subVersion, arch: h.archName, smallIntBits: h.smallIntBits, archFlags: h.archFlags },
    qstrs: f.qstrs.map((q, i) => ({ value: qstrText(f, i), static: q.staticIndex })),
    consts: f.consts.map((c) => ({ kind: c.kind, repr: constRepr(c) })),
    root: fn(f.root),
  };
}
