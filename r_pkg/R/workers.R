#' Stop kfit's idle R worker processes
#'
#' An R generator or index dataset runs in R worker processes (`workers = 1`
#' or more in [fit()]). A worker outlives its fit: the next fit with an R
#' function takes it instead of starting a new process, which saves about
#' 0.2 s per worker and fit. Each fit sends its own function, globals and
#' packages; after each fit the worker removes the fit's globals, detaches
#' the packages it attached, restores the options it set and empties its
#' `tempdir()` (namespaces a fit loaded stay loaded, as R cannot unload
#' them safely).
#'
#' Idle workers end by themselves after `getOption("kfit.worker_idle_timeout")`
#' seconds without a fit (300 by default), when the R session ends, or when
#' `kfit_stop_workers()` is called. A fit that ends with an error or a Ctrl-C
#' stops its workers. `options(kfit.worker_reuse = FALSE)` turns reuse off:
#' each fit then starts its workers and stops them at its end.
#'
#' @returns The number of idle workers that were running, invisibly.
#' @export
#' @examples
#' kfit_stop_workers()
kfit_stop_workers <- function() {
  if (!reticulate::py_available()) {
    return(invisible(0L))  # Python never started: no fit, no worker
  }
  invisible(as.integer(kfit_core()$stop_workers()))
}
