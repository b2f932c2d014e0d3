#include <cstdio>
#include "findpair.h"
#include "gen.h"

int main() {
    int n, mode;
    long long target;
    unsigned long long seed;
    if (std::scanf("%d %lld %llu %d", &n, &target, &seed, &mode) != 4) return 1;
    std::vector<int> a = read_array(stdin, n, seed, mode);
    std::pair<int, int> p = find_pair(a, target);
    std::printf("%d %d\n", p.first, p.second);
}
