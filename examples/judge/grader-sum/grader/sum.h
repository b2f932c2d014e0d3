#include <vector>
long long sum_all(std::vector<int> values);
