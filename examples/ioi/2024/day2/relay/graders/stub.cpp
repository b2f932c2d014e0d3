// fifo_io: argv = m_to_u u_to_m index. Process 0 encodes, process 1 decodes.
#include <cstdio>
#include <cstdlib>
#include <string>
#include "relay.h"

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    FILE *in = std::fopen(argv[1], "r");
    FILE *out = std::fopen(argv[2], "w");
    if (!in || !out) return 1;
    if (std::atoi(argv[3]) == 0) {
        long long x;
        if (std::fscanf(in, "%lld", &x) != 1) return 0;
        std::string message = encode(x);
        std::fprintf(out, "%s\n", message.empty() ? "-" : message.c_str());
    } else {
        static char buffer[1 << 16];
        if (std::fscanf(in, "%65535s", buffer) != 1) return 0;
        std::string message = buffer[0] == '-' ? "" : buffer;
        std::fprintf(out, "%lld\n", decode(message));
    }
    std::fflush(out);
}
