# Installs the "cran" R world: reticulate and keras3 (with their dependencies
# that Debian lacks) from a CRAN-like repository into a project-local library.
# The other dependencies come from Debian's r-cran-* packages (Makefile's
# APT_PACKAGES). Usage: Rscript setup/install-cran-world.R LIB REPO
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2L) stop("usage: install-cran-world.R LIB REPO")
lib <- args[[1L]]
repo <- args[[2L]]

# A fresh library each time: what is in it comes from this repository only.
unlink(lib, recursive = TRUE)
dir.create(lib, recursive = TRUE)
.libPaths(c(lib, .libPaths()))
message("installing reticulate and keras3 from ", repo, " into ", lib)
install.packages(c("reticulate", "keras3"), lib = lib, repos = repo,
                 type = "source", Ncpus = max(1L, parallel::detectCores()),
                 quiet = TRUE)

# install.packages() only warns when a package fails: check what we got.
need <- c(reticulate = "1.46", keras3 = "1.5.1")
for (pkg in names(need)) {
  if (!nzchar(system.file(package = pkg, lib.loc = lib))) {
    stop(pkg, " did not install into ", lib, call. = FALSE)
  }
  v <- utils::packageVersion(pkg, lib.loc = lib)
  if (v < need[[pkg]]) {
    stop(pkg, " ", v, " installed; need >= ", need[[pkg]], call. = FALSE)
  }
  message(pkg, " ", v)
}
