# The bridge to the Python core: the arguments as the core takes them
# (R functions apart, as specs it calls back), one call of the core, and the
# record it returns turned into R's history, warnings and errors.

check_dots <- function(..., call = rlang::caller_env()) {
  dots <- list(...)
  if (length(dots) && (is.null(names(dots)) || any(!nzchar(names(dots))))) {
    kfit_abort(c(
      "Arguments in {.arg ...} must be named.",
      i = "{.fn fit} takes no unnamed arguments after {.arg y}."
    ), call = call)
  }
  dots # unknown names are rejected by the core, with a suggestion
}

is_python <- function(x) inherits(x, "python.builtin.object")

# `worker_globals` names are looked up now, where fit() was called: a
# mistake is reported before anything starts. (`worker_packages` goes to the
# core with the other arguments, which checks it and hands it back to
# `prepare` below.)
worker_spec <- function(globals, envir) {
  list(globals = resolve_worker_globals(globals, envir), envir = envir)
}

arity_of <- function(f) {
  formals <- names(formals(args(f)) %||% list())
  if ("..." %in% formals) -1L else length(formals)
}

# An R function for the core: called in this session (encoded), or shipped
# to worker processes with what it needs.
function_spec <- function(f, label, workers) {
  list(
    call_encoded = function(...) call_encoded(f, ..., arrays = TRUE),
    prepare = function(n, globals = NULL, packages = NULL) {
      worker_prepare(f, as.integer(n), globals %||% workers$globals, packages,
                     envir = workers$envir)
    },
    arity = arity_of(f), label = label
  )
}

callback_spec <- function(callback) {
  hooks <- lapply(names(callback), function(hook) {
    function_spec(callback[[hook]], paste0("callback_lambda `", hook, "`"), list())
  })
  list(hooks = stats::setNames(hooks, names(callback)), label = "callback_lambda")
}

# What the core asks of this R session during a run (see kfit/environment.py).
r_context <- function() {
  list(
    knitr = isTRUE(getOption("knitr.in.progress")),
    rstudio = identical(Sys.getenv("RSTUDIO"), "1"),
    tf_config = Sys.getenv("TF_CONFIG"),
    tempdir = tempdir(),
    viewer = getOption("viewer"),
    browse = function(url) utils::browseURL(url),
    write = function(text, to_stderr) {
      if (isTRUE(to_stderr)) cat(text, file = stderr(), sep = "") else cat(text, sep = "")
    }
  )
}

# R values go to the core encoded (kfit:::encode_for_core), R functions as
# specs, callbacks in the user's order. Then the core's record becomes R.
run_core <- function(model, args, legacy, workers, call = rlang::caller_env()) {
  # A Ctrl-C the core did not take (in this R code before or after the core
  # ran, or one that reached R as the core returned) is an interrupted run
  # too: the core's record of the run when it has one, else no epoch.
  record <- tryCatch(core_record(model, args, legacy, workers, call),
                     interrupt = function(i) interrupted_record())
  finish_run(record, call)
}

interrupted_record <- function() {
  host <- core_env$host # NULL while the core was never loaded
  record <- if (!is.null(host)) tryCatch(host$last_record(), error = function(e) NULL)
  if (is.null(record)) record <- list(ok = TRUE, warnings = list(), history = NULL)
  record$interrupted <- TRUE
  record
}

core_record <- function(model, args, legacy, workers, call) {
  force(workers) # worker_globals are looked up now: mistakes fail before training
  core <- kfit_core(call = call)
  callbacks <- check_callbacks(args$callbacks, call = call) # see callbacks.R
  args$callbacks <- NULL
  callbacks <- lapply(callbacks, function(cb) {
    if (inherits(cb, "kfit_callback")) callback_spec(cb) else cb
  })
  functions <- list()
  # the core's table says which arguments are data (R functions go apart)
  for (name in intersect(names(args), unlist(core$DATA_ARGUMENTS))) {
    if (is.function(args[[name]])) {
      label <- paste0("R generator `", name, "`")
      functions[[name]] <- function_spec(args[[name]], label, workers)
      args[name] <- list(NULL)
    }
  }
  core$fit_from_r(model, encode_for_core(args, arrays = TRUE), functions,
                  callbacks %||% list(), legacy, r_context())
}

finish_run <- function(record, call) {
  history <- history_from_record(record$history)
  core_env$last_history <- history
  for (w in record$warnings) {
    kfit_warn("{w$message}", class = condition_class(w$class))
  }
  if (isTRUE(record$interrupted)) {
    if (is.null(history)) {
      history <- new_keras_training_history()
      core_env$last_history <- history
    }
    done <- if (length(history$metrics)) length(history$metrics[[1]]) else 0L
    kfit_warn(c(
      "Training was interrupted; the history of the {done} finished epoch{?s} is returned.",
      i = "It is also kept for {.code kfit::last_history()}."
    ), class = "kfit_interrupted")
    return(history)
  }
  if (!isTRUE(record$ok)) abort_from_core(record, history, call)
  if (isTRUE(history$params$view_metrics) && isTRUE(getOption("knitr.in.progress"))) {
    # Nothing is live in a knitted document: leave the final chart there.
    chart <- plot(history)
    if (inherits(chart, "ggplot")) print(chart)
  }
  history
}

snake_case <- function(x) tolower(gsub("([a-z0-9])([A-Z])", "\\1_\\2", x))

# "KfitValueError" -> "kfit_value_error", "ValueError" -> "kfit_value_error".
condition_class <- function(python_class) {
  paste0("kfit_", sub("^kfit_", "", snake_case(python_class)))
}

# The core's error record speaks R already (kfit.words.R renders it): its
# main line, what was received and a hint become cli bullets.
abort_from_core <- function(record, history, call) {
  # The message keeps its own lines (Keras' "Arguments received by ...:" and
  # its bullets): cli would otherwise reflow them into one paragraph.
  lines <- strsplit(record$main %||% record$message, "\n", fixed = TRUE)[[1]]
  lines <- lines[nzchar(trimws(lines))]
  if (!length(lines)) lines <- ""
  more <- sprintf("{lines[%d]}", seq_along(lines)[-1])
  bullets <- c(
    "{lines[1]}",
    stats::setNames(more, rep(" ", length(more))),
    x = if (!is.null(record$received)) "Received: {record$received}",
    i = if (!is.null(record$hint)) "{record$hint}"
  )
  if (!isTRUE(record$kfit)) {
    # An error from Keras or Python: its message, without the traceback,
    # which stays available in the condition's `python_traceback` field.
    bullets <- c(bullets, i = "Python error {.cls {record$error_class}}; the traceback is in {.code rlang::last_error()$python_traceback}.")
  }
  # The core's classes, most specific first (kfit.errors.r_classes): an error
  # from Keras or Python is a kfit_python_error only.
  classes <- setdiff(unlist(record$classes), "kfit_error")
  kfit_abort(
    bullets,
    class = classes,
    argument = record$argument, where = record$where, history = history,
    epoch = record$epoch, step = record$step, worker = record$worker,
    exit = record$exit, python_traceback = record$traceback, call = call
  )
}
