#include "findpair.h"

// Correct, but O(n^2): times out on the full subtask.
std::pair<int, int> find_pair(std::vector<int> a, long long target) {
    int n = a.size();
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if ((long long)a[i] + a[j] == target) return {i, j};
    return {-1, -1};
}
