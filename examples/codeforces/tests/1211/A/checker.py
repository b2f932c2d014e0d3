"""1211A: any three problems a, b, c with r_a < r_b < r_c, or -1 -1 -1 when none exist.
Run as `python checker.py input answer output` (written for the demo)."""

import sys

_, r = open(sys.argv[1]).read().split("\n", 1)
r = list(map(int, r.split()))
answer = open(sys.argv[2]).read().split()
got = open(sys.argv[3]).read().split()
if answer == ["-1", "-1", "-1"]:
    print("ok" if got == answer else "wrong")
elif len(got) != 3 or not all(g.lstrip("-").isdigit() for g in got):
    print("wrong")
else:
    a, b, c = map(int, got)
    valid = len({a, b, c}) == 3 and all(1 <= i <= len(r) for i in (a, b, c))
    print("ok" if valid and r[a - 1] < r[b - 1] < r[c - 1] else "wrong")
