#include "maxsub.h"

// Sums the positive numbers: not contiguous, wrong.
long long max_subarray(std::vector<int> a) {
    long long s = 0;
    for (int v : a) if (v > 0) s += v;
    return s;
}
