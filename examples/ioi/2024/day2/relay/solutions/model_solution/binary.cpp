#include "relay.h"

std::string encode(long long x) {
    std::string bits;
    do { bits.insert(bits.begin(), char('0' + (x & 1))); x >>= 1; } while (x > 0);
    return bits;
}

long long decode(std::string message) {
    long long x = 0;
    for (char c : message) x = 2 * x + (c - '0');
    return x;
}
