// Every failure the user can cause in the linker is a LinkError: a one-line
// message naming the file / symbol / section / offset, shown without a stack.
import { UserError } from '../src/cli/run.ts';

export class LinkError extends UserError {}

export function hex(n: number, width = 0): string {
  return '0x' + (n >>> 0).toString(16).padStart(width, '0');
}
