#include <vector>

int find_balance(std::vector<long long> a);
