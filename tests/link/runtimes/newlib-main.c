/* A C program that pulls a good part of newlib into a runtime object (stdio,
   number parsing, locale, time, libm): thousands of string literals in
   SHF_MERGE sections, many of them equal or tails of others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <locale.h>
int cmp(const void *a, const void *b) { return *(const int*)a - *(const int*)b; }
int kernel_main(void) {
  char buf[64]; int v[4] = {3,1,2,0};
  qsort(v, 4, sizeof v[0], cmp);
  snprintf(buf, sizeof buf, "%d %s %g", v[0], "hello", strtod("1.5e3", 0));
  printf("%s %ld\n", buf, strtol("0x10", 0, 16));
  setlocale(LC_ALL, "C");
  time_t t = 0; puts(asctime(gmtime(&t)));
  return (int)(sqrt(2.0) * 100) + (int)strlen(strerror(2));
}
