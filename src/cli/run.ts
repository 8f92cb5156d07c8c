// Shared CLI plumbing: usage errors and expected failures become one-line
// messages with exit code 1; nothing escapes as a JS stack trace.
import type { Command } from 'commander';
import { chalkStderr as chalk } from 'chalk';

/** An expected failure to report to the user as one line (no stack trace). */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export async function runCli(program: Command): Promise<void> {
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = reportError(program.name(), err);
  }
}

export function reportError(prog: string, err: unknown): number {
  const e = err as { code?: string; exitCode?: number; message?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    // commander already printed usage/help; keep its exit code (0 for --help/--version)
    return e.exitCode ?? 1;
  }
  if (err instanceof UserError) {
    // red only when stderr is a colour terminal: chalk emits plain text otherwise
    process.stderr.write(`${chalk.red(prog + ':')} ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`${chalk.red(prog + ':')} internal error: ${e?.message ?? String(err)}\n`);
  return 2;
}
