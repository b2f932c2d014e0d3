#include "guess.h"

int guess(int n) {
    volatile unsigned long long x = 0;
    for (;;) x += n;
}
