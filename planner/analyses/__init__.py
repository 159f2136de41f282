"""Questions users ask, each answered by calling the model rather than copying it."""
