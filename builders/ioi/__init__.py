"""The IOI family: the `ioi`, `ioi-test-cases`, `ioi-sample-solutions` and `ioi-cots` datasets, built from task
packages and their statements."""
