#include <ctime>
#include "relay.h"

// Each process alone stays under the time limit, together they exceed it.
static void burn() { while (std::clock() < CLOCKS_PER_SEC * 6 / 10) {} }

std::string encode(long long x) {
    burn();
    std::string bits;
    do { bits.insert(bits.begin(), char('0' + (x & 1))); x >>= 1; } while (x > 0);
    return bits;
}

long long decode(std::string message) {
    burn();
    long long x = 0;
    for (char c : message) x = 2 * x + (c - '0');
    return x;
}
