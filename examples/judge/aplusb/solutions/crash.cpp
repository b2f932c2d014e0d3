#include <cstdio>
#include <cstdlib>
int main() {  // aborts on negative input: RE
    long long a, b;
    std::scanf("%lld %lld", &a, &b);
    if (a < 0) std::abort();
    std::printf("%lld\n", a + b);
}
