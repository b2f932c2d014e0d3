#include <cmath>
#include "guess.h"

// Correct, but asks ceil(log2 n) useless questions first: about twice the
// optimal number of questions, which earns half marks.
int guess(int n) {
    int waste = (int)std::ceil(std::log2((double)n));
    for (int i = 0; i < waste; i++)
        if (ask(1) == 0) return 1;
    int lo = 1, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int r = ask(mid);
        if (r == 0) return mid;
        if (r < 0) hi = mid - 1; else lo = mid + 1;
    }
    return lo;
}
