"""Phone verification for the free-credits bonus: E.164 numbers, one-time codes and their limits."""
