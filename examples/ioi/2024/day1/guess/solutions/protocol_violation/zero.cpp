#include "guess.h"

int guess(int n) {
    ask(0);  // out of range
    return 1;
}
