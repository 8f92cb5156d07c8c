// ROMFS image writer: the byte layout MicroPython's VFS_ROM reads
// (extmod/vfs_rom.c) and the same bytes `mpremote romfs build` writes for the
// same tree (files stored verbatim, no .py -> .mpy step).
//
// Every record is  varuint(kind) varuint(payload length) payload , varuints
// big-endian base-128 with the continuation bit on all but the last byte.
//   image     = d2 cd 31, varuint(len), records      (total length made even)
//   directory = kind 4: varuint(name length) name records
//   file      = kind 5: varuint(name length) name (kind 2: verbatim data)
// Entries of a directory are sorted by name (code point order, which is
// UTF-8 byte order).
//
// Sizes are computed bottom-up first, then the image is written once into a
// single buffer, so the cost is linear in the image size.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../src/cli/run.ts';

export interface RomfsEntry {
  /** relative, '/'-separated path; parent folders are implied */
  path: string;
  data: Uint8Array;
}

export interface RomfsOptions {
  /** folders to include even when empty (relative, '/'-separated) */
  dirs?: string[];
}

/** The kind value of the filesystem record, encoded as d2 cd 31. */
export const ROMFS_KIND_FILESYSTEM = 0x14a6b1;
export const ROMFS_KIND_PADDING = 1;
export const ROMFS_KIND_DATA_VERBATIM = 2;
export const ROMFS_KIND_DATA_POINTER = 3;
export const ROMFS_KIND_DIRECTORY = 4;
export const ROMFS_KIND_FILE = 5;

interface FileNode {
  kind: 'file';
  name: Uint8Array;
  data: Uint8Array;
  /** payload length of the file record, then the whole record length */
  payloadLen: number;
  recordLen: number;
}

interface DirNode {
  kind: 'dir';
  name: Uint8Array;
  children: Map<string, Node>;
  /** children in image order, filled by layout() */
  sorted: Node[];
  payloadLen: number;
  recordLen: number;
}

type Node = FileNode | DirNode;

const utf8 = new TextEncoder();

function varuintLen(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes value as a varuint at off; returns the offset after it. */
function putVaruint(out: Uint8Array, off: number, value: number): number {
  const n = varuintLen(value);
  for (let i = n - 1; i >= 0; i--) {
    out[off + i] = (value % 128) | (i === n - 1 ? 0 : 0x80);
    value = Math.floor(value / 128);
  }
  return off + n;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

function newDir(name: string): DirNode {
  return { kind: 'dir', name: utf8.encode(name), children: new Map(), sorted: [], payloadLen: 0, recordLen: 0 };
}

function splitPath(path: string, what: string): string[] {
  const parts = path.split('/');
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..') {
      throw new UserError(`romfs: invalid ${what} path '${path}' (must be relative, '/'-separated, without empty, '.' or '..' parts)`);
    }
  }
  return parts;
}

function descend(root: DirNode, parts: string[], path: string): DirNode {
  let dir = root;
  for (const part of parts) {
    let next = dir.children.get(part);
    if (next === undefined) {
      next = newDir(part);
      dir.children.set(part, next);
    } else if (next.kind === 'file') {
      throw new UserError(`romfs: '${path}' needs '${part}' to be a folder, but it is a file`);
    }
    dir = next;
  }
  return dir;
}

function buildTree(entries: readonly RomfsEntry[], dirs: readonly string[]): DirNode {
  const root = newDir('');
  for (const d of dirs) descend(root, splitPath(d, 'folder'), d);
  for (const e of entries) {
    const parts = splitPath(e.path, 'file');
    const name = parts.pop()!;
    const dir = descend(root, parts, e.path);
    const existing = dir.children.get(name);
    if (existing !== undefined) {
      throw new UserError(
        existing.kind === 'file' ? `romfs: duplicate file '${e.path}'` : `romfs: '${e.path}' is both a file and a folder`,
      );
    }
    dir.children.set(name, { kind: 'file', name: utf8.encode(name), data: e.data, payloadLen: 0, recordLen: 0 });
  }
  return root;
}

/** Computes record sizes bottom-up; returns the total length of dir's records. */
function layout(dir: DirNode): number {
  dir.sorted = [...dir.children.values()].sort((a, b) => compareBytes(a.name, b.name));
  let contents = 0;
  for (const node of dir.sorted) {
    if (node.kind === 'file') {
      const dataRecord = varuintLen(ROMFS_KIND_DATA_VERBATIM) + varuintLen(node.data.length) + node.data.length;
      node.payloadLen = varuintLen(node.name.length) + node.name.length + dataRecord;
      node.recordLen = varuintLen(ROMFS_KIND_FILE) + varuintLen(node.payloadLen) + node.payloadLen;
    } else {
      node.payloadLen = varuintLen(node.name.length) + node.name.length + layout(node);
      node.recordLen = varuintLen(ROMFS_KIND_DIRECTORY) + varuintLen(node.payloadLen) + node.payloadLen;
    }
    contents += node.recordLen;
  }
  return contents;
}

function emit(out: Uint8Array, off: number, dir: DirNode): number {
  for (const node of dir.sorted) {
    off = putVaruint(out, off, node.kind === 'file' ? ROMFS_KIND_FILE : ROMFS_KIND_DIRECTORY);
    off = putVaruint(out, off, node.payloadLen);
    off = putVaruint(out, off, node.name.length);
    out.set(node.name, off);
    off += node.name.length;
    if (node.kind === 'file') {
      off = putVaruint(out, off, ROMFS_KIND_DATA_VERBATIM);
      off = putVaruint(out, off, node.data.length);
      out.set(node.data, off);
      off += node.data.length;
    } else {
      off = emit(out, off, node);
    }
  }
  return off;
}

/** Builds a ROMFS image of the given files (folders implied by the paths). */
export function buildRomfs(entries: readonly RomfsEntry[], options: RomfsOptions = {}): Uint8Array {
  const root = buildTree(entries, options.dirs ?? []);
  const contents = layout(root);
  const header = [0xd2, 0xcd, 0x31];
  const lenBytes = varuintLen(contents);
  // The image length must be even: mpremote widens the length varuint by a
  // redundant leading 0x80 byte (same value) rather than appending padding.
  const padLen = (header.length + lenBytes + contents) % 2 === 1 ? 1 : 0;
  const out = new Uint8Array(header.length + padLen + lenBytes + contents);
  out.set(header, 0);
  let off = header.length;
  if (padLen) out[off++] = 0x80;
  off = putVaruint(out, off, contents);
  off = emit(out, off, root);
  if (off !== out.length) throw new Error(`romfs: internal size mismatch (${off} != ${out.length})`);
  return out;
}

/**
 * Builds a ROMFS image of a folder, as `mpremote romfs build` does without
 * compiling: every entry is kept (dot files and empty folders included),
 * symbolic links are followed.
 */
export function buildRomfsFromDir(dir: string): Uint8Array {
  const { entries, dirs } = collectDir(dir);
  return buildRomfs(entries, { dirs });
}

/**
 * Files (with their bytes) and folders of a tree, as relative paths. Walks
 * like mpremote (list each folder, stat each name following links) rather
 * than with a glob library, which silently drops broken links that mpremote
 * reports as errors.
 */
export function collectDir(dir: string): { entries: RomfsEntry[]; dirs: string[] } {
  const root = resolve(dir);
  const rootStat = statOrFail(root, dir);
  if (!rootStat.isDirectory()) throw new UserError(`${dir}: not a folder`);
  const entries: RomfsEntry[] = [];
  const dirs: string[] = [];
  // Folders being walked, by device and inode: a link back to one of them
  // would recurse forever.
  const active = new Set<string>();
  const walk = (full: string, rel: string, st: Stats): void => {
    const id = `${st.dev}:${st.ino}`;
    if (active.has(id)) throw new UserError(`${full}: symbolic link loop`);
    active.add(id);
    let names: string[];
    try {
      names = readdirSync(full);
    } catch (err) {
      throw new UserError(`${full}: ${describe(err)}`);
    }
    names.sort();
    for (const name of names) {
      const childFull = join(full, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const s = statOrFail(childFull, childFull);
      if (s.isDirectory()) {
        dirs.push(childRel);
        walk(childFull, childRel, s);
      } else if (s.isFile()) {
        let data: Uint8Array;
        try {
          data = readFileSync(childFull);
        } catch (err) {
          throw new UserError(`${childFull}: ${describe(err)}`);
        }
        entries.push({ path: childRel, data });
      } else {
        throw new UserError(`${childFull}: not a regular file or folder`);
      }
    }
    active.delete(id);
  };
  walk(root, '', rootStat);
  return { entries, dirs };
}

function statOrFail(full: string, shown: string): Stats {
  try {
    return statSync(full);
  } catch (err) {
    throw new UserError(`${shown}: ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder (or a broken symbolic link)';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  return (err as Error).message;
}
