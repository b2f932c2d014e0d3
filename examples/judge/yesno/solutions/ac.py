n = int(input())
prime = n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))
print("yes" if prime else "No")
