// QCFG(...) settings of a qstr header build: how many bytes each qstr's
// length and hash take in the runtime's tables.
import type { HashBytes } from './hash.ts';

export type LenBytes = 1 | 2;

export interface QstrConfig {
  /** MICROPY_QSTR_BYTES_IN_LEN: a qstr may be at most 256**n - 1 bytes long. */
  readonly bytesInLen: LenBytes;
  /** MICROPY_QSTR_BYTES_IN_HASH: 0 (no hashes kept), 1 or 2. */
  readonly bytesInHash: HashBytes;
}

/** The values a build gets when its port sets nothing (mpconfig.h, full feature level). */
export const DEFAULT_QSTR_CONFIG: QstrConfig = { bytesInLen: 1, bytesInHash: 2 };

/** Longest qstr (in bytes) a length field of `bytesInLen` bytes can hold. */
export function maxQstrLength(bytesInLen: LenBytes): number {
  return 256 ** bytesInLen - 1;
}

/** Where a setting or qstr came from, for `file:line: message` errors. */
export interface SourcePlace {
  readonly file: string;
  readonly line: number;
}

export function formatPlace(p: SourcePlace): string {
  return `${p.file}:${p.line}`;
}

export class QstrInputError extends Error {
  constructor(readonly place: SourcePlace | undefined, message: string) {
    super(place ? `${formatPlace(place)}: ${message}` : message);
  }
}

export interface QcfgSetting {
  readonly value: string;
  readonly place: SourcePlace;
}

// Values are small decimal integers, optionally parenthesised by the
// preprocessed macro (`(1)`); the caller has already removed one pair.
function parseSmallInt(s: string): number | undefined {
  const m = /^\s*\+?([0-9]+)\s*$/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/**
 * Resolves the collected QCFG settings (last one of each name wins, as in the
 * reference). Names other than BYTES_IN_LEN / BYTES_IN_HASH are ignored.
 * `fallback` supplies settings that no QCFG line gave; without it, a missing
 * setting is an error.
 */
export function resolveQstrConfig(
  settings: ReadonlyMap<string, QcfgSetting>,
  fallback?: Partial<QstrConfig>,
): QstrConfig {
  const lenSetting = settings.get('BYTES_IN_LEN');
  const hashSetting = settings.get('BYTES_IN_HASH');
  let bytesInLen = fallback?.bytesInLen;
  let bytesInHash = fallback?.bytesInHash;
  if (lenSetting) {
    const v = parseSmallInt(lenSetting.value);
    if (v !== 1 && v !== 2) {
      throw new QstrInputError(lenSetting.place, `QCFG BYTES_IN_LEN must be 1 or 2, not '${lenSetting.value}'`);
    }
    bytesInLen = v;
  }
  if (hashSetting) {
    const v = parseSmallInt(hashSetting.value);
    if (v !== 0 && v !== 1 && v !== 2) {
      throw new QstrInputError(hashSetting.place, `QCFG BYTES_IN_HASH must be 0, 1 or 2, not '${hashSetting.value}'`);
    }
    bytesInHash = v;
  }
  if (bytesInLen === undefined || bytesInHash === undefined) {
    const missing = bytesInLen === undefined ? 'BYTES_IN_LEN' : 'BYTES_IN_HASH';
    throw new QstrInputError(
      undefined,
      settings.size === 0
        ? 'no QCFG lines in the input (empty or not preprocessed qstr definitions?)'
        : `no QCFG(${missing}, ...) line in the input`,
    );
  }
  return { bytesInLen, bytesInHash };
}
