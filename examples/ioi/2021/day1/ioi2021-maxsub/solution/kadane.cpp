#include <algorithm>
#include "maxsub.h"

long long max_subarray(std::vector<int> a) {
    long long best = a[0], here = 0;
    for (int v : a) {
        here = std::max<long long>(v, here + v);
        best = std::max(best, here);
    }
    return best;
}
