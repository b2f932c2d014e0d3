// CMS protocol: argv input answer output. The output lists m powers of two that
// add up to n; the outcome is popcount(n) / m (1 for the shortest list).
#include <cstdio>

static int finish(double outcome, const char *message) {
    std::printf("%g\n", outcome);
    std::fprintf(stderr, "%s\n", message);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    FILE *in = std::fopen(argv[1], "r"), *out = std::fopen(argv[3], "r");
    if (!in || !out) return 1;
    unsigned long long n, sum = 0, term;
    if (std::fscanf(in, "%llu", &n) != 1) return 1;
    long long m;
    if (std::fscanf(out, "%lld", &m) != 1 || m < 1 || m > 1000000) return finish(0, "translate:wrong");
    for (long long i = 0; i < m; i++) {
        if (std::fscanf(out, "%llu", &term) != 1 || term == 0 || (term & (term - 1))) return finish(0, "translate:wrong");
        sum += term;
        if (sum > n) return finish(0, "translate:wrong");
    }
    if (sum != n) return finish(0, "translate:wrong");
    double best = __builtin_popcountll(n);
    return finish(best / m, best == m ? "translate:success" : "translate:partial");
}
