#include "balance.h"

// Both sums again for every position: O(n^2).
int find_balance(std::vector<long long> a) {
    int n = a.size();
    for (int i = 0; i < n; i++) {
        volatile long long left = 0, right = 0;
        for (int j = 0; j < i; j++) left = left + a[j];
        for (int j = i + 1; j < n; j++) right = right + a[j];
        if (left == right) return i;
    }
    return -1;
}
