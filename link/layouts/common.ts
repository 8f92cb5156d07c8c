// The section layout both Raspberry Pi layouts share: the kernel.ld a
// bare-metal ARM runtime built with gcc/newlib expects, plus the frozen ROMFS.
import {
  defineLayout, section, input, keep, sortByInitPriority, mark, alignTo, assign, sym, sub, add, origin, length,
  type Layout,
} from '../layout.ts';

export interface PiLayoutOptions {
  readonly description: string;
  /** bytes of RAM from 0 the image may use (below the peripherals / GPU split) */
  readonly ramEnd: number;
  /** bytes reserved for the stack at the top of RAM */
  readonly stackSize: number;
}

export function piLayout(o: PiLayoutOptions): Layout {
  const LOAD = 0x8000;
  return defineLayout({
    description: o.description,
    entry: '_start',
    loadAddress: LOAD,
    memory: { RAM: { origin: LOAD, length: o.ramEnd - LOAD, attributes: 'rwx' } },
    fill: 0,
    sections: [
      section('.text', {}, [
        keep('.text.boot'),
        input('.text', '.text.*', '.gnu.linkonce.t.*', '.glue_7', '.glue_7t', '.vfp11_veneer', '.v4_bx'),
        keep('.init'),
        keep('.fini'),
      ]),
      section('.rodata', { align: 4 }, [input('.rodata', '.rodata.*', '.gnu.linkonce.r.*')]),
      section('.ARM.extab', {}, [input('.ARM.extab', '.ARM.extab.*', '.gnu.linkonce.armextab.*')]),
      section('.ARM.exidx', {}, [
        mark('__exidx_start'),
        input('.ARM.exidx', '.ARM.exidx.*', '.gnu.linkonce.armexidx.*'),
        mark('__exidx_end'),
      ]),
      section('.preinit_array', { align: 4 }, [
        mark('__preinit_array_start'),
        keep('.preinit_array'),
        mark('__preinit_array_end'),
      ]),
      section('.init_array', { align: 4 }, [
        mark('__init_array_start'),
        keep(sortByInitPriority('.init_array.*')),
        keep('.init_array'),
        mark('__init_array_end'),
      ]),
      section('.fini_array', { align: 4 }, [
        mark('__fini_array_start'),
        keep(sortByInitPriority('.fini_array.*')),
        keep('.fini_array'),
        mark('__fini_array_end'),
      ]),
      section('.data', { align: 4 }, [input('.data', '.data.*', '.gnu.linkonce.d.*')]),
      // The frozen modules: a ROMFS image, found at run time through these two symbols.
      section('.mpi_romfs', { align: 16 }, [
        mark('_mpi_romfs_start'),
        keep('.mpi_romfs'),
        mark('_mpi_romfs_end'),
      ]),
      section('.bss', { align: 4, noload: true }, [
        mark('_bss_start'),
        mark('__bss_start__'),
        input('.bss', '.bss.*', '.gnu.linkonce.b.*'),
        input('COMMON'),
        alignTo(8),
        mark('_bss_end'),
        mark('__bss_end__'),
        mark('_end'),
        mark('end'),
      ]),
      section('.heap', { align: 8, noload: true }, [mark('_heap_start')]),
      assign('_estack', add(origin('RAM'), length('RAM'))),
      assign('_heap_end', sub(sym('_estack'), o.stackSize)),
    ],
    discard: ['.note.GNU-stack', '.gnu_debuglink', '.gnu.lto_*'],
  });
}
