#include "shape.h"
static Box<int> g(3, 4);
int use_a(int k) { Box<int> b(k, 2); const Shape &s = b; return twice(s.area()) + biggest(k, 7) + g.area(); }
