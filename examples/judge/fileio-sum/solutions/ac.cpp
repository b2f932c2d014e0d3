#include <cstdio>
int main() {  // file I/O: input.txt -> output.txt
    FILE *in = std::fopen("input.txt", "r"), *out = std::fopen("output.txt", "w");
    int n; long long s = 0, x;
    std::fscanf(in, "%d", &n);
    for (int i = 0; i < n; i++) { std::fscanf(in, "%lld", &x); s += x; }
    std::fprintf(out, "%lld\n", s);
}
