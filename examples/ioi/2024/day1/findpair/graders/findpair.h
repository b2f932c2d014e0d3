#include <utility>
#include <vector>

// Return indices i < j with a[i] + a[j] == target, or {-1, -1} if there are none.
std::pair<int, int> find_pair(std::vector<int> a, long long target);
