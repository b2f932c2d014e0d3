// CMS-protocol checker: argv input answer output; outcome on stdout, message on stderr.
// Full marks within 1e-6 relative error, half marks within 1e-3.
#include <cmath>
#include <cstdio>
int main(int argc, char **argv) {
    if (argc < 4) return 1;
    FILE *ans = std::fopen(argv[2], "r"), *out = std::fopen(argv[3], "r");
    if (!ans || !out) return 1;
    double want, got;
    if (std::fscanf(ans, "%lf", &want) != 1) return 1;  // a bad answer file is the judge's fault
    if (std::fscanf(out, "%lf", &got) != 1 || !std::isfinite(got)) {
        std::printf("0\n");
        std::fprintf(stderr, "translate:wrong\n");
        return 0;
    }
    double err = std::fabs(got - want) / std::fmax(1.0, std::fabs(want));
    if (err <= 1e-6) { std::printf("1\n"); std::fprintf(stderr, "translate:success\n"); }
    else if (err <= 1e-3) { std::printf("0.5\n"); std::fprintf(stderr, "translate:partial\n"); }
    else { std::printf("0\n"); std::fprintf(stderr, "translate:wrong\n"); }
}
