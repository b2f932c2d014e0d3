#include <cstdlib>
#include "relay.h"

std::string encode(long long x) { return "1"; }
long long decode(std::string message) { std::abort(); }
