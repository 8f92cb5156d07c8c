// Config errors are user errors: one line, `file:line: json.path: message`.
import { UserError } from '../cli/run.ts';

export class ConfigError extends UserError {}

/** Where a config came from, to place messages. */
export interface ConfigSource {
  /** the file name as the user gave it (shown in messages) */
  readonly display: string;
  lineOf(path: string): number | undefined;
}

export function configError(src: ConfigSource, path: string, message: string): ConfigError {
  // a member's own line, else its nearest located parent's
  let line: number | undefined;
  for (let p = path; ; p = parentPath(p)) {
    line = src.lineOf(p);
    if (line !== undefined || p === '') break;
  }
  const where = line === undefined ? src.display : `${src.display}:${line}`;
  return new ConfigError(`${where}: ${path === '' ? '' : path + ': '}${message}`);
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}

/** Closest candidates to a misspelt name: the "did you mean" of messages. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const upper = name.toUpperCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cu = c.toUpperCase();
    // an unfinished name (MICROPY_FOO for MICROPY_FOO_BAR) is a good guess too
    const score = cu.startsWith(upper) && upper.length >= 4 ? (cu.length - upper.length) / 8 : editDistance(upper, cu);
    if (score < bestScore || (score === bestScore && best !== undefined && c < best)) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 4));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s === undefined ? '' : ` (did you mean ${s}?)`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
