#include <string>

// Process 0: turn x (0 <= x < 2^k) into a message of '0' and '1'.
std::string encode(long long x);
// Process 1: recover x from the message.
long long decode(std::string message);
