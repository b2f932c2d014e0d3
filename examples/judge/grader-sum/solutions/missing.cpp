#include "sum.h"
long long sum_everything(std::vector<int> values) {  // wrong name: the grader does not link: CE
    long long total = 0;
    for (int v : values) total += v;
    return total;
}
