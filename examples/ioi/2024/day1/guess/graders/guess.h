// Find the hidden number in [1, n]. ask(x) returns -1 if the hidden number is
// smaller than x, 1 if it is larger, 0 if it is x.
int guess(int n);
int ask(int x);
