// CMS protocol: argv input answer output; outcome on stdout, message on stderr.
// Any balance point is accepted; -1 only when the answer says there is none.
#include <cstdio>
#include "gen.h"  // from graders/: the judge compiles checkers with the task headers

static int verdict(bool ok) {
    std::printf("%d\n", ok ? 1 : 0);
    std::fprintf(stderr, ok ? "Output is correct\n" : "Output isn't correct\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    FILE *in = std::fopen(argv[1], "r"), *ans = std::fopen(argv[2], "r"), *out = std::fopen(argv[3], "r");
    if (!in || !ans || !out) return 1;
    int n, mode;
    unsigned long long seed;
    long long limit, expected, got;
    if (std::fscanf(in, "%d %llu %d %lld", &n, &seed, &mode, &limit) != 4) return 1;
    std::vector<long long> a = read_array(in, n, seed, mode, limit);
    if (std::fscanf(ans, "%lld", &expected) != 1) return 1;
    if (std::fscanf(out, "%lld", &got) != 1) return verdict(false);
    if (got == -1) return verdict(expected == -1);
    if (got < 0 || got >= n) return verdict(false);
    long long left = 0, right = 0;
    for (int i = 0; i < n; i++) (i < got ? left : right) += i == got ? 0 : a[i];
    return verdict(left == right);
}
