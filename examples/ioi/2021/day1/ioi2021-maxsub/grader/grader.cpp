#include <cstdio>
#include "maxsub.h"

int main() {
    int n;
    unsigned long long seed;
    if (std::scanf("%d %llu", &n, &seed) != 2) return 1;
    std::vector<int> a(n);
    unsigned long long x = seed;
    for (int &v : a) {
        if (seed == 0) { if (std::scanf("%d", &v) != 1) return 1; continue; }
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        v = (int)((x >> 33) % 2000001ULL) - 1000000;
    }
    std::printf("%lld\n", max_subarray(a));
}
