// Talks to the manager over stdin/stdout (std_io).
#include <cstdio>
#include <cstdlib>
#include "guess.h"

int ask(int x) {
    std::printf("? %d\n", x);
    std::fflush(stdout);
    int reply;
    if (std::scanf("%d", &reply) != 1) std::exit(0);
    return reply;
}

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 0;
    int answer = guess(n);
    std::printf("! %d\n", answer);
    std::fflush(stdout);
}
