#include "balance.h"

// One pass: the left sum grows as the right sum shrinks.
int find_balance(std::vector<long long> a) {
    long long right = 0, left = 0;
    for (long long v : a) right += v;
    for (int i = 0; i < (int)a.size(); i++) {
        right -= a[i];
        if (left == right) return i;
        left += a[i];
    }
    return -1;
}
