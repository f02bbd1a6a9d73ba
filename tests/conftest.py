"""Hypothesis runs the same examples on every run (``derandomize``): a test run's outcome
depends on the code, not on which random inputs it happened to draw.  To search new inputs,
run with ``HYPOTHESIS_PROFILE=explore`` (random, more examples, failures kept in
``.hypothesis/`` and replayed first)."""

import os

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=500, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
