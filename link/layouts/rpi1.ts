// Raspberry Pi Zero / Zero W / 1 (BCM2835, ARM1176JZF-S): the GPU firmware
// loads firmware.img at 0x8000; peripherals start at 0x20000000. RAM up to
// 256 MiB minus the GPU split is assumed to end at 0x0c000000 (192 MiB).
import { piLayout } from './common.ts';

export default piLayout({
  description: 'RPI1 (BCM2835, ARM1176JZF-S), image loaded at 0x8000',
  ramEnd: 0x0c00_0000,
  stackSize: 0x10_0000,
});
