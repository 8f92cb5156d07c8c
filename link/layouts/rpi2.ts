// Raspberry Pi 2 (BCM2836, Cortex-A7): the GPU firmware loads firmware.img at
// 0x8000; peripherals start at 0x3F000000. 1 GiB RAM minus the GPU split is
// assumed to end at 0x3b000000.
import { piLayout } from './common.ts';

export default piLayout({
  description: 'RPI2 (BCM2836, Cortex-A7), image loaded at 0x8000',
  ramEnd: 0x3b00_0000,
  stackSize: 0x10_0000,
});
