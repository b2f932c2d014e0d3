#include "sum.h"
long long sum_all(std::vector<int> values) {  // int accumulator overflows: WA
    int total = 0;
    for (int v : values) total += v;
    return total;
}
