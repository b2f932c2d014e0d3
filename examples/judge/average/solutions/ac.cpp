#include <cstdio>
int main() {
    int n; long long s = 0, x;
    std::scanf("%d", &n);
    for (int i = 0; i < n; i++) { std::scanf("%lld", &x); s += x; }
    std::printf("%.9f\n", (double)s / n);
}
