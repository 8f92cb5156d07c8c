// The `aeabi` build attributes (.ARM.attributes) that change how GNU ld links:
// Tag_CPU_arch decides BLX availability and which NOP it writes, the profile
// decides Thumb-2 availability.

export enum CpuArch {
  PRE_V4 = 0, V4 = 1, V4T = 2, V5T = 3, V5TE = 4, V5TEJ = 5, V6 = 6, V6KZ = 7, V6T2 = 8, V6K = 9,
  V7 = 10, V6_M = 11, V6S_M = 12, V7E_M = 13, V8 = 14, V8R = 15, V8M_BASE = 16, V8M_MAIN = 17,
}

export interface ArmAttributes {
  cpuArch: number;
  /** 'A', 'R', 'M', 'S' or 0 when not given */
  profile: number;
  /** Tag_THUMB_ISA_use: 0 none given, 1 Thumb-1, 2 Thumb-2, 3 from the architecture */
  thumbIsa: number;
}

const TAG_FILE = 1;
const TAG_CPU_ARCH = 6;
const TAG_CPU_ARCH_PROFILE = 7;
const TAG_THUMB_ISA_USE = 9;

function uleb(b: Uint8Array, pos: { p: number }): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    const c = b[pos.p++];
    if (c === undefined) return v;
    v += (c & 0x7f) * 2 ** shift;
    shift += 7;
    if ((c & 0x80) === 0) return v;
  }
}

function skipString(b: Uint8Array, pos: { p: number }): void {
  while (pos.p < b.length && b[pos.p] !== 0) pos.p++;
  pos.p++;
}

/** Parses the file-scope aeabi attributes; returns undefined when absent or unreadable. */
export function parseArmAttributes(data: Uint8Array): ArmAttributes | undefined {
  if (data.length < 1 || data[0] !== 0x41) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 1;
  let result: ArmAttributes | undefined;
  while (off + 4 <= data.length) {
    const len = dv.getUint32(off, true);
    if (len < 5 || off + len > data.length) break;
    const end = off + len;
    let p = off + 4;
    const vendorStart = p;
    while (p < end && data[p] !== 0) p++;
    const vendor = Buffer.from(data.subarray(vendorStart, p)).toString('latin1');
    p++;
    if (vendor === 'aeabi') {
      while (p + 5 <= end) {
        const pos = { p };
        const tag = uleb(data, pos);
        const size = dv.getUint32(pos.p, true);
        const subEnd = p + size;
        pos.p += 4;
        if (size < 5 || subEnd > end) break;
        if (tag === TAG_FILE) {
          result = { cpuArch: 0, profile: 0, thumbIsa: 0 };
          while (pos.p < subEnd) {
            const t = uleb(data, pos);
            if (t === 4 || t === 5 || t === 67) skipString(data, pos);
            else if (t === 32) { uleb(data, pos); skipString(data, pos); }
            else if (t === 65) skipString(data, pos);
            else if (t > 32 && t % 2 === 1) skipString(data, pos);
            else {
              const v = uleb(data, pos);
              if (t === TAG_CPU_ARCH) result.cpuArch = v;
              if (t === TAG_CPU_ARCH_PROFILE) result.profile = v;
              if (t === TAG_THUMB_ISA_USE) result.thumbIsa = v;
            }
          }
        }
        p = subEnd;
      }
    }
    off = end;
  }
  return result;
}

/** Combines the attributes of several inputs the way they matter here: the newest architecture wins. */
export function mergeArmAttributes(list: readonly (ArmAttributes | undefined)[]): ArmAttributes {
  let out: ArmAttributes = { cpuArch: 0, profile: 0, thumbIsa: 0 };
  for (const a of list) {
    if (!a) continue;
    const thumbIsa = Math.max(out.thumbIsa, a.thumbIsa);
    if (a.cpuArch > out.cpuArch) out = { cpuArch: a.cpuArch, profile: a.profile || out.profile, thumbIsa };
    else out = { ...out, profile: out.profile || a.profile, thumbIsa };
  }
  return out;
}
