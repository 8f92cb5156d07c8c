// The feature selector's entry points: load, resolve, and the views other
// stages need (compile features for mpy-cross-ts --config, link settings).
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { CompilerFeatures } from '../options.ts';
import { ConfigError, configError, type ConfigSource } from './errors.ts';
import { JsonSyntaxError, parseJsonWithLocations } from './jsonloc.ts';
import { resolveInput } from './resolve.ts';
import type { LinkableConfig, ResolvedConfig } from './types.ts';
import { validateConfig, type ConfigInput } from './validate.ts';

export { ConfigError } from './errors.ts';
export type { Board, LinkSettings, LinkableConfig, OptionOrigin, ResolvedConfig } from './types.ts';

/** Read, validate and resolve an mpconfig.json. Throws ConfigError (one line, no stack) on any problem. */
export function loadConfig(path: string): ResolvedConfig {
  const { input, src } = readConfigInput(path);
  return resolveInput(input, resolvePath(path), src);
}

/** Resolve an already-parsed config; `file` places messages and anchors relative paths. */
export function resolveConfig(json: unknown, file: string): ResolvedConfig {
  const src: ConfigSource = { display: file, lineOf: () => undefined };
  return resolveInput(validateConfig(json, src), resolvePath(file), src);
}

/** The validated input of a config file (what it sets, before resolution). */
export function readConfigInput(path: string): { input: ConfigInput; src: ConfigSource } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  let parsed;
  try {
    parsed = parseJsonWithLocations(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ConfigError(`${path}:${e.line}:${e.column}: invalid JSON: ${e.message}`);
    throw e;
  }
  const src: ConfigSource = { display: path, lineOf: parsed.lineOf };
  return { input: validateConfig(parsed.value, src), src };
}

/** The compiler switches a config implies (for mpy-cross-ts --config). */
export function featuresFromConfig(config: string | ResolvedConfig): Readonly<CompilerFeatures> {
  return (typeof config === 'string' ? loadConfig(config) : config).compile.features;
}

/** Narrow a config to one the linker can use, or explain what is missing. */
export function requireLinkable(config: ResolvedConfig): LinkableConfig {
  const src: ConfigSource = { display: config.file, lineOf: () => undefined };
  if (config.board === undefined) throw configError(src, 'board', 'missing: linking needs RPI1 or RPI2');
  if (config.link === undefined) throw configError(src, 'link', 'missing: linking needs link.runtime at least');
  return config as LinkableConfig;
}
