#include "guess.h"

// Right on small n, off by one on large n.
int guess(int n) {
    int lo = 1, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int r = ask(mid);
        if (r == 0) { lo = hi = mid; break; }
        if (r < 0) hi = mid - 1; else lo = mid + 1;
    }
    return n > 10 ? lo + 1 : lo;
}
