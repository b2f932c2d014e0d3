// Manager (trusted): argv u0_to_m m_to_u0 u1_to_m m_to_u1; input "k x" on stdin.
// Full marks for a message of at most k bits, half for at most 2k, else a quarter.
#include <cstdio>
#include <cstring>

static int finish(double outcome, const char *message) {
    std::printf("%g\n", outcome);
    std::fprintf(stderr, "%s\n", message);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5) return 1;
    FILE *to_encoder = std::fopen(argv[2], "w"), *from_encoder = std::fopen(argv[1], "r");
    FILE *to_decoder = std::fopen(argv[4], "w"), *from_decoder = std::fopen(argv[3], "r");
    if (!to_encoder || !from_encoder || !to_decoder || !from_decoder) return 1;
    int k;
    long long x;
    if (std::scanf("%d %lld", &k, &x) != 2) return 1;
    std::fprintf(to_encoder, "%lld\n", x);
    std::fflush(to_encoder);
    static char message[1 << 16];
    if (std::fscanf(from_encoder, "%65535s", message) != 1)
        return finish(0, "Protocol Violation: the encoder sent nothing");
    size_t length = message[0] == '-' ? 0 : std::strlen(message);
    for (size_t i = 0; i < length; i++)
        if (message[i] != '0' && message[i] != '1') return finish(0, "Protocol Violation: not a binary message");
    if (length > (size_t)(10 * k)) return finish(0, "Protocol Violation: message too long");
    std::fprintf(to_decoder, "%s\n", message);
    std::fflush(to_decoder);
    long long y;
    if (std::fscanf(from_decoder, "%lld", &y) != 1) return finish(0, "Protocol Violation: the decoder sent nothing");
    if (y != x) return finish(0, "translate:wrong");
    if (length <= (size_t)k) return finish(1, "translate:success");
    return finish(length <= (size_t)(2 * k) ? 0.5 : 0.25, "translate:partial");
}
