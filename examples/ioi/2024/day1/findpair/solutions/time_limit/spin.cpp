#include "findpair.h"

std::pair<int, int> find_pair(std::vector<int> a, long long target) {
    volatile unsigned long long x = 0;
    for (;;) x += a.size() + target;
}
