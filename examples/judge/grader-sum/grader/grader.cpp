// Grader linked with the submission: reads the input, calls sum_all, prints the result.
#include <cstdio>
#include <vector>
#include "sum.h"
int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::vector<int> values(n);
    for (int &v : values) std::scanf("%d", &v);
    std::printf("%lld\n", sum_all(values));
}
