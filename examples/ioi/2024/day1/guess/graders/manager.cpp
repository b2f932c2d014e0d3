// Manager (trusted): argv u0_to_m m_to_u0; the test input on stdin; the outcome
// on stdout and a message on stderr, CMS protocol. Full marks within
// ceil(log2 n) + 1 questions, half within twice that, at most 100 questions.
#include <cmath>
#include <cstdio>
#include <cstring>

static int finish(double outcome, const char *message) {
    std::printf("%g\n", outcome);
    std::fprintf(stderr, "%s\n", message);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) return 1;
    FILE *to_user = std::fopen(argv[2], "w");   // open the write end first, as CMS users open stdin first
    FILE *from_user = std::fopen(argv[1], "r");
    if (!to_user || !from_user) return 1;
    int n, secret;
    if (std::scanf("%d %d", &n, &secret) != 2) return 1;
    std::fprintf(to_user, "%d\n", n);
    std::fflush(to_user);
    int bound = (int)std::ceil(std::log2((double)n)) + 1, asked = 0;
    char op[8];
    long long x;
    while (true) {
        if (std::fscanf(from_user, "%7s", op) != 1)
            return finish(0, "Protocol Violation: the program stopped before answering");
        if (std::fscanf(from_user, "%lld", &x) != 1)
            return finish(0, "Protocol Violation: expected a number");
        if (!std::strcmp(op, "!")) {
            if (x != secret) return finish(0, "translate:wrong");
            if (asked <= bound) return finish(1, "translate:success");
            if (asked <= 2 * bound) return finish(0.5, "translate:partial");
            return finish(0.2, "translate:partial");
        }
        if (std::strcmp(op, "?")) return finish(0, "Protocol Violation: unknown command");
        if (x < 1 || x > n) return finish(0, "Protocol Violation: question out of range");
        if (++asked > 100) return finish(0, "Protocol Violation: too many questions");
        std::fprintf(to_user, "%d\n", secret < x ? -1 : secret > x ? 1 : 0);
        std::fflush(to_user);
    }
}
