// Progress of `mpi link` for a person watching a terminal: an ora spinner on
// stderr naming the stage (compile N modules, build ROMFS, link, write). Only
// when stderr is a TTY and not in CI: piped output and CI logs stay plain.
import ora, { type Ora } from 'ora';

/** The stages buildFirmware reports. */
export type LinkStage =
  | { readonly stage: 'compile'; readonly done: number; readonly total: number }
  | { readonly stage: 'romfs'; readonly files: number }
  | { readonly stage: 'link' }
  | { readonly stage: 'write' };

export interface LinkProgress {
  update(s: LinkStage): void;
  /** clears the spinner line (success or failure: the caller prints the outcome) */
  stop(): void;
}

const SILENT: LinkProgress = { update() {}, stop() {} };

/** A terminal stream as far as the spinner needs it. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function describeStage(s: LinkStage): string {
  switch (s.stage) {
    case 'compile':
      return `compiling ${s.total} frozen module${s.total === 1 ? '' : 's'} (${s.done}/${s.total})`;
    case 'romfs':
      return `building the ROMFS (${s.files} file${s.files === 1 ? '' : 's'})`;
    case 'link':
      return 'linking';
    case 'write':
      return 'writing';
  }
}

/**
 * Whether a spinner belongs on this stream: an interactive terminal with a
 * width, outside CI. (A pseudo-terminal can report 0 columns; ora then counts
 * an infinite number of lines to clear and never returns.)
 */
export function wantsSpinner(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const width = stream.columns;
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb' && (width === undefined || width > 0);
}

/**
 * A spinner on `stream` when it is an interactive terminal, else a no-op.
 * The link runs synchronously, so frames are drawn on each update (at most
 * every 50 ms) instead of by ora's timer.
 */
export function linkProgress(stream: ProgressStream = process.stderr, env: NodeJS.ProcessEnv = process.env): LinkProgress {
  if (!wantsSpinner(stream, env)) return SILENT;
  let spinner: Ora | undefined;
  let lastDraw = 0;
  return {
    update(s) {
      const text = describeStage(s);
      if (!spinner) {
        spinner = ora({ text, stream, isEnabled: true, discardStdin: false }).start();
        lastDraw = performance.now();
        return;
      }
      spinner.text = text;
      const now = performance.now();
      // every stage change is shown; compile counts are throttled
      if (s.stage !== 'compile' || s.done === s.total || now - lastDraw >= 50) {
        spinner.render();
        lastDraw = now;
      }
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
