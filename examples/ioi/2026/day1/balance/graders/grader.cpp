#include <cstdio>
#include "balance.h"
#include "gen.h"

int main() {
    int n, mode;
    unsigned long long seed;
    long long limit;
    if (std::scanf("%d %llu %d %lld", &n, &seed, &mode, &limit) != 4) return 1;
    std::printf("%d\n", find_balance(read_array(stdin, n, seed, mode, limit)));
}
