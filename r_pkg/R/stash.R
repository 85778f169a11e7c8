# R objects cross to Python over rpy2 (same R process): the R side puts them
# here under a key, the core reads them with kfit:::stash_get() and puts the
# history back with kfit:::stash_set().

stash_env <- new.env(parent = emptyenv())

stash_put <- function(value) {
  key <- paste0("run", format(as.numeric(Sys.time()) * 1e6, scientific = FALSE),
                sample.int(1e6, 1L))
  assign(key, value, envir = stash_env)
  key
}

stash_get <- function(key) get(key, envir = stash_env, inherits = FALSE)

stash_set <- function(key, value) {
  assign(key, value, envir = stash_env)
  invisible(NULL)
}

stash_drop <- function(key) {
  if (exists(key, envir = stash_env, inherits = FALSE)) rm(list = key, envir = stash_env)
}
