#include "maxsub.h"

long long max_subarray(std::vector<int> a) {
    return 0;
}
