#include <stdint.h>
extern char _mpi_romfs_start[], _mpi_romfs_end[];
extern char _bss_start[], _bss_end[];
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
__attribute__((weak)) void board_hook(void);
__attribute__((weak)) int weak_data;
extern int uart_putc(int c);
volatile uint32_t *const UART = (uint32_t *)0x20201000;
static int ctor_ran;
__attribute__((constructor(101))) static void early(void) { ctor_ran |= 1; }
__attribute__((constructor)) static void late(void) { ctor_ran |= 2; }
const char msg[] = "hello from the runtime\n";
uint64_t big = 0x123456789abcdefULL;
int uart_putc(int c) { *UART = c; return c; }
void puts_(const char *s) { while (*s) uart_putc(*s++); }
uint32_t crc32(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xffffffff;
  for (uint32_t i = 0; i < n; i++) { c ^= p[i]; for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c;
}
uint64_t divs(uint64_t a, uint64_t b) { return a / b + a % b; }
int idiv(int a, int b) { return a / b + a % b; }
unsigned udiv(unsigned a, unsigned b) { return a / b; }
double fmul(double a, double b) { return a * b + (double)(long long)a; }
int table_lookup(int i) { static const int t[] = {3, 1, 4, 1, 5, 9, 2, 6}; return t[i & 7]; }
int kernel_main(void) {
  for (void (**f)(void) = __init_array_start; f < __init_array_end; f++) (*f)();
  if (board_hook) board_hook();
  puts_(msg);
  uint32_t crc = crc32((const uint8_t *)_mpi_romfs_start, _mpi_romfs_end - _mpi_romfs_start);
  return (int)crc + (int)divs(big, 7) + idiv(ctor_ran, 3) + (int)udiv(crc, 5) + (int)fmul(crc, 2.5) + weak_data + (&weak_data != 0);
}
/* What libgcc's unwinder needs from a C library. */
void *memcpy(void *d, const void *s, unsigned n) { char *o = d; const char *i = s; while (n--) *o++ = *i++; return d; }
void abort(void) { for (;;) {} }
