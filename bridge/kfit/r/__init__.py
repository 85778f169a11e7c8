"""Everything that touches R: the guarded entry point and R -> numpy.

R may only be called from the thread that started it (the main thread);
`session.call_r` is the single door, and it refuses any other thread.
"""
