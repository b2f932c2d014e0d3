#include <unordered_map>
#include "findpair.h"

std::pair<int, int> find_pair(std::vector<int> a, long long target) {
    std::unordered_map<long long, int> seen;
    seen.reserve(a.size() * 2);
    for (int j = 0; j < (int)a.size(); j++) {
        auto it = seen.find(target - a[j]);
        if (it != seen.end()) return {it->second, j};
        seen.emplace(a[j], j);
    }
    return {-1, -1};
}
