with open("input.txt") as f:
    n = int(f.readline())
    total = sum(map(int, f.readline().split()))
with open("output.txt", "w") as f:
    print(total, file=f)
