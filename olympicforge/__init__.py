"""olympicforge: verifiable competitive-programming data, a trustworthy judge, training recipes."""

__version__ = "0.1.0"
