/* Second translation unit of the test runtime: state-switching calls inside
   one file (a static Thumb helper called from ARM code and back), a
   destructor (.fini_array), a common symbol, and 64-bit division. */
extern int kernel_main(void);
int shared_counter; /* with -fcommon: a COMMON symbol */

__attribute__((target("thumb"), noinline)) static int thumb_helper(int x) { return x * 7 + shared_counter; }
__attribute__((target("arm"), noinline)) static int arm_helper(int x) { return thumb_helper(x) ^ 0x55; }
__attribute__((target("thumb"), noinline)) int thumb_entry(int x) { return arm_helper(x) + 1; }

__attribute__((destructor)) static void bye(void) { shared_counter = 0; }

int call_main_again(void) { return kernel_main() * 3 + thumb_entry(2); }
void *get_fn(void) { return (void *)call_main_again; }
long long lldiv_(long long a, long long b) { return a / b; }
