#include "findpair.h"

// A direct-address table over all values: 4 GB, far beyond 64 MiB. The limit is low so the
// page faults reach it long before the 0.5 s CPU limit, on slow machines too (memory before time).
std::pair<int, int> find_pair(std::vector<int> a, long long target) {
    std::vector<int> where(1000000001, -1);
    for (int j = 0; j < (int)a.size(); j++) {
        long long need = target - a[j];
        if (need >= 0 && need <= 1000000000 && where[need] >= 0) return {where[need], j};
        where[a[j]] = j;
    }
    return {-1, -1};
}
