// The array of a test: given explicitly (seed 0) or generated from the seed,
// shared by the grader and the checker so tests stay tiny.
//   mode 0: values in [1, limit];  mode 1: a palindrome (of odd length, its middle
//   balances), values in [1, limit];  mode 2: every value is limit.
#include <cstdio>
#include <vector>

inline std::vector<long long> read_array(FILE *in, int n, unsigned long long seed, int mode, long long limit) {
    std::vector<long long> a(n);
    if (seed == 0) {
        for (long long &v : a) if (std::fscanf(in, "%lld", &v) != 1) v = 0;
        return a;
    }
    unsigned long long x = seed;
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        a[i] = 1 + (long long)((x >> 33) % (unsigned long long)limit);
    }
    if (mode == 1)
        for (int i = 0; i < n / 2; i++) a[n - 1 - i] = a[i];
    if (mode == 2)
        for (long long &v : a) v = limit;
    return a;
}
