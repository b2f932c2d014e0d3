// CMS protocol: argv input answer output; outcome on stdout, message on stderr.
#include <cstdio>
#include "gen.h"  // from graders/: the judge compiles checkers with the task headers

static int verdict(bool ok) {
    std::printf("%d\n", ok ? 1 : 0);
    std::fprintf(stderr, ok ? "translate:success\n" : "translate:wrong\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    FILE *in = std::fopen(argv[1], "r"), *ans = std::fopen(argv[2], "r"), *out = std::fopen(argv[3], "r");
    if (!in || !ans || !out) return 1;
    int n, mode, possible;
    long long target;
    unsigned long long seed;
    if (std::fscanf(in, "%d %lld %llu %d", &n, &target, &seed, &mode) != 4) return 1;
    std::vector<int> a = read_array(in, n, seed, mode);
    if (std::fscanf(ans, "%d", &possible) != 1) return 1;
    long long i, j;
    if (std::fscanf(out, "%lld %lld", &i, &j) != 2) return verdict(false);
    if (!possible) return verdict(i == -1 && j == -1);
    return verdict(0 <= i && i < j && j < n && (long long)a[i] + a[j] == target);
}
