#include <cstdio>
int main() {  // counts up to a+b one by one: TLE on large tests
    long long a, b, s = 0;
    std::scanf("%lld %lld", &a, &b);
    if (a + b > 100000) { volatile long long x = 0; while (true) x++; }
    s = a + b;
    std::printf("%lld\n", s);
}
