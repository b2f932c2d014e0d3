// The array of a test: given explicitly (seed 0) or generated from the seed,
// shared by the grader and the checker so tests stay tiny.
#include <cstdio>
#include <vector>

inline std::vector<int> read_array(FILE *in, int n, unsigned long long seed, int even_only) {
    std::vector<int> a(n);
    if (seed == 0) {
        for (int &v : a) if (std::fscanf(in, "%d", &v) != 1) v = 0;
        return a;
    }
    unsigned long long x = seed;
    for (int &v : a) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        v = (int)((x >> 33) % 500000000ULL) * (even_only ? 2 : 1);
    }
    return a;
}
