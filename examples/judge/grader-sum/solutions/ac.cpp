#include "sum.h"
long long sum_all(std::vector<int> values) {
    long long total = 0;
    for (int v : values) total += v;
    return total;
}
