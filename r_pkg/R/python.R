# Finding Python and loading kfit's Python core lazily.

core_env <- new.env(parent = emptyenv())

#' Where kfit's Python lives
#'
#' kfit uses, in order: the option `kfit.python`, the environment variable
#' `KFIT_PYTHON`, `RETICULATE_PYTHON`, the Python recorded when the package
#' was installed by the project's `make` (the project's `.venv`), and
#' otherwise whatever Python reticulate would pick. It must be chosen before
#' Python starts in the R session.
#'
#' @returns The path of the Python executable kfit uses (the first of the
#'   above that is set), or `NULL` when none is: reticulate then chooses.
#' @export
#' @examples
#' kfit_python()
kfit_python <- function() {
  for (python in c(getOption("kfit.python", ""), Sys.getenv("KFIT_PYTHON"),
                   Sys.getenv("RETICULATE_PYTHON"))) {
    if (length(python) == 1L && nzchar(python)) return(python)
  }
  recorded <- system.file("python-path", package = "kfit")
  python <- if (nzchar(recorded)) readLines(recorded, n = 1L, warn = FALSE) else ""
  if (length(python) == 1L && nzchar(python)) python else NULL
}

.onLoad <- function(libname, pkgname) {
  python <- kfit_python()
  if (!is.null(python) && file.exists(python) && !reticulate::py_available()) {
    # Chosen over reticulate's own discovery (which would, for one, take a
    # pyproject.toml in the working directory for a poetry project).
    Sys.setenv(RETICULATE_PYTHON = python)
  }
  core_env$host <- reticulate::import("kfit.r.host", delay_load = TRUE)
  # See zzz.R: fit() stays kfit's when keras3 loads later.
  setHook(packageEvent("keras3", "onLoad"), reclaim_fit, action = "append")
}

# Whether kfit's Python core can be used here (the help pages' examples run
# where it can).
core_available <- function() {
  tryCatch(reticulate::py_module_available("kfit.r.host"), error = function(e) FALSE)
}

# The Python core (kfit.r.host), with an error that says what to run.
kfit_core <- function(call = rlang::caller_env()) {
  if (!isTRUE(core_env$checked)) {
    if (!reticulate::py_module_available("kfit.r.host")) {
      found <- tryCatch(reticulate::py_config()$python, error = function(e) "")
      kfit_abort(
        c(
          "kfit's Python core is not available.",
          x = "Python {.path {found}} cannot import {.pkg kfit}.",
          i = "Run {.code make demo} in the kfit project: it installs the core into the project's {.path .venv}.",
          i = "Or set {.envvar KFIT_PYTHON} (or {.code options(kfit.python = ...)}) to a Python that has it, before kfit first uses Python."
        ),
        class = "kfit_python_missing", call = call
      )
    }
    core_env$checked <- TRUE
  }
  core_env$host
}
