n = int(input())
print("YES" if n % 2 == 1 else "NO")
