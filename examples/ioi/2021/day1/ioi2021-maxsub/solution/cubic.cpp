#include "maxsub.h"

// O(n^3): fine for the small subtask, far too slow for the full one.
long long max_subarray(std::vector<int> a) {
    int n = a.size();
    long long best = a[0];
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            long long s = 0;
            for (int k = i; k <= j; k++) s += a[k];
            if (s > best) best = s;
        }
    return best;
}
