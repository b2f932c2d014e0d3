#include "balance.h"

// Sums in int: right for small values, overflows on large ones.
int find_balance(std::vector<long long> a) {
    int right = 0, left = 0;
    for (long long v : a) right += (int)v;
    for (int i = 0; i < (int)a.size(); i++) {
        right -= (int)a[i];
        if (left == right) return i;
        left += (int)a[i];
    }
    return -1;
}
