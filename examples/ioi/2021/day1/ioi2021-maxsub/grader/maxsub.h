#include <vector>

// The largest sum of a non-empty contiguous part of a.
long long max_subarray(std::vector<int> a);
