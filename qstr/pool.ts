// The qstrs interned while compiling one module: starts with every qstr the
// reference mpy-cross has built in, then grows as the compiler interns more.
import { MPY_CROSS_QSTRS } from './pool-data.ts';

export class QstrPool {
  private readonly interned: Set<string>;

  constructor() {
    this.interned = new Set(MPY_CROSS_QSTRS);
  }

  /** Whether the byte string `s` is already interned. */
  has(s: string): boolean {
    return this.interned.has(s);
  }

  intern(s: string): void {
    this.interned.add(s);
  }
}
