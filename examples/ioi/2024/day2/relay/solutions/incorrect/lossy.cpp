#include "relay.h"

// Drops the lowest bit.
std::string encode(long long x) {
    std::string bits;
    x >>= 1;
    do { bits.insert(bits.begin(), char('0' + (x & 1))); x >>= 1; } while (x > 0);
    return bits;
}

long long decode(std::string message) {
    long long x = 0;
    for (char c : message) x = 2 * x + (c - '0');
    return 2 * x;
}
