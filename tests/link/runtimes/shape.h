// C++ with inline functions, templates and vtables: gcc puts each in a COMDAT
// group, so two files that use them carry duplicate groups.
struct Shape { virtual int area() const = 0; virtual ~Shape() {} };
template <typename T> struct Box : Shape {
  T w, h;
  Box(T a, T b) : w(a), h(b) {}
  int area() const override { return int(w * h); }
};
inline int twice(int x) { static int calls; calls++; return 2 * x + calls; }
template <typename T> T biggest(T a, T b) { return a > b ? a : b; }
