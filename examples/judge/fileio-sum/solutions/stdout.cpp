#include <cstdio>
int main() {  // answers on stdout although the task wants output.txt: WA
    FILE *in = std::fopen("input.txt", "r");
    int n; long long s = 0, x;
    std::fscanf(in, "%d", &n);
    for (int i = 0; i < n; i++) { std::fscanf(in, "%lld", &x); s += x; }
    std::printf("%lld\n", s);
}
