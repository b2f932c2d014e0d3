"""The Codeforces family: the `codeforces` and `codeforces-cots` datasets, with the cached fetcher, the page
parsers and the full-test-suite importer they are built from."""
