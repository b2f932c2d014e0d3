#include "relay.h"

// Every bit sent twice: decodable, but twice as long as needed.
std::string encode(long long x) {
    std::string bits;
    do { char b = char('0' + (x & 1)); bits.insert(0, std::string(2, b)); x >>= 1; } while (x > 0);
    return bits;
}

long long decode(std::string message) {
    long long x = 0;
    for (size_t i = 0; i < message.size(); i += 2) x = 2 * x + (message[i] - '0');
    return x;
}
