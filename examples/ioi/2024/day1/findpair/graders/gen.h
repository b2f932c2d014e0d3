// The array of a test: given explicitly (seed 0) or generated from the seed,
// shared by the grader and the checker so tests stay tiny.
//   mode 0: any values;  mode 1: even values only (an odd target has no pair);
//   mode 2: multiples of 4, except the last two (4k+1 and 4m+2): the only pair
//           summing to a target that is 3 modulo 4 sits at the very end.
#include <cstdio>
#include <vector>

inline std::vector<int> read_array(FILE *in, int n, unsigned long long seed, int mode) {
    std::vector<int> a(n);
    if (seed == 0) {
        for (int &v : a) if (std::fscanf(in, "%d", &v) != 1) v = 0;
        return a;
    }
    unsigned long long x = seed;
    for (int &v : a) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned long long r = (x >> 33) % 250000000ULL;
        v = mode == 0 ? (int)(2 * r) : mode == 1 ? (int)(2 * r) : (int)(4 * r);
    }
    if (mode == 2 && n >= 2) {
        a[n - 2] = 4 * (a[n - 2] / 4) + 1;
        a[n - 1] = 4 * (a[n - 1] / 4) + 2;
    }
    return a;
}
