"""Everything that touches R.

R values arrive decoded (`codec`: the R package's frames; `values`: small
ones as plain Python) and become NumPy by one set of rules (`convert`).
R functions become `RFunction`s (`function`), whichever host made them:
`host` is the R package's entry point (R hosts Python over reticulate);
`rpy2_host`, `session` and `registry` serve Python hosting R through rpy2,
where R may only be called from the thread that started it (the main
thread): `session.call_r` is the single door, and it refuses any other.
"""
