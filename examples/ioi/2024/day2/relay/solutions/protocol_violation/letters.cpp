#include "relay.h"

std::string encode(long long x) { return "abc"; }
long long decode(std::string message) { return 0; }
