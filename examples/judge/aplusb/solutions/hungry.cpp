#include <cstdio>
#include <vector>
int main() {  // touches 512 MiB under a 256 MiB limit: MLE
    long long a, b;
    std::scanf("%lld %lld", &a, &b);
    std::vector<char> big(512u << 20);
    for (size_t i = 0; i < big.size(); i += 4096) big[i] = (char)(i >> 12);
    volatile char sink = big[big.size() - 4096];
    std::printf("%lld\n", a + b + sink - sink);
}
