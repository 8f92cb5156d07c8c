// The qstrs interned while compiling one module: starts with every qstr the
// reference mpy-cross has built in, then grows as the compiler interns more.
import { MPY_CROSS_BUILD_QSTRS } from './pool-data.ts';
import { STATIC_QSTRS } from './static.ts';

export class QstrPool {
  private readonly interned: Set<string>;

  constructor() {
    this.interned = new Set(STATIC_QSTRS);
    for (const q of MPY_CROSS_BUILD_QSTRS) this.interned.add(q);
  }

  /** Whether the byte string `s` is already interned. */
  has(s: string): boolean {
    return this.interned.has(s);
  }

  intern(s: string): void {
    this.interned.add(s);
  }
}
