"""Files in, typed and validated objects out. Knows nothing of solvers."""
