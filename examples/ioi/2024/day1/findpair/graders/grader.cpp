#include <cstdio>
#include "findpair.h"
#include "gen.h"

int main() {
    int n, even_only;
    long long target;
    unsigned long long seed;
    if (std::scanf("%d %lld %llu %d", &n, &target, &seed, &even_only) != 4) return 1;
    std::vector<int> a = read_array(stdin, n, seed, even_only);
    std::pair<int, int> p = find_pair(a, target);
    std::printf("%d %d\n", p.first, p.second);
}
