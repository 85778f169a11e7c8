# R worker processes: each runs a generator (or an index dataset
# `function(i)`) on its own R main thread and streams encoded batches to
# kfit's Python core over a local socket. Python starts the processes and
# reads the batches (no R in the reader); this file is the R side: what a
# worker is given (worker_prepare(), in the session) and what it does
# (worker_main(), in the worker).

# Serialize `fn` with what it needs into a file the workers read.
#
# The closure is serialized with its enclosing environments (R does that up
# to the global environment and package namespaces). Globals it refers to
# in the global environment are found as the globals package finds them;
# `globals` (a named list, or names looked up from `envir`) and `packages`
# add what detection misses. Packages the globals come from are loaded in
# the workers. One seed per worker is drawn from this session's RNG, so
# `set.seed()` before `fit()` makes runs identical. A worker process may
# serve several fits (see worker_main()); each fit's payload is its own file.
worker_prepare <- function(fn, workers, globals = NULL, packages = NULL,
                           envir = globalenv()) {
  detected <- detect_globals(fn)
  extra <- resolve_worker_globals(globals, envir)
  values <- utils::modifyList(detected$values, extra)
  captured <- find_unshippable(detected$used, extra)
  if (!is.null(captured)) {
    # Nothing is started: the core raises a classed error naming it.
    return(list(captured = captured))
  }
  payload <- list(
    fn = fn, globals = values,
    packages = unique(c(detected$packages, as.character(packages))),
    seeds = sample.int(.Machine$integer.max, workers),
    wd = getwd(), env = unclass(Sys.getenv()),
    idle = getOption("kfit.worker_idle_timeout", 300)
  )
  path <- tempfile("kfit-worker-", fileext = ".rds")
  saveRDS(payload, path, compress = FALSE)
  list(path = path, main = worker_bootstrap(), libpaths = I(.libPaths()),
       rscript = file.path(R.home("bin"), "Rscript"), tmpdir = tempdir(),
       reuse = getOption("kfit.worker_reuse", TRUE), idle = payload$idle,
       globals = I(names(values)), packages = I(payload$packages),
       python_packages = I(intersect(
         unique(c(payload$packages, namespaces_called(c(list(fn), detected$used$closure,
                                                       detected$used$global)))),
         python_packages)))
}

# The file a worker process starts from (`p <- readRDS(path); p$main(p)`):
# the worker's own code and the path of kfit's shared library. Written once
# per session, beside the session's other temporary files.
worker_bootstrap <- function() {
  path <- file.path(tempdir(), "kfit-main.rds")
  if (!file.exists(path)) {
    partial <- tempfile("kfit-main-", fileext = ".rds")
    saveRDS(list(main = worker_code()$worker_main,
                 dll = getLoadedDLLs()[["kfit"]][["path"]]), partial, compress = FALSE)
    file.rename(partial, path)
  }
  path
}

# What a worker would get a copy of and use but cannot use there: the first
# connection (in a worker it is a number naming another connection, or
# none) or external pointer (a Python object, an Rcpp or database handle:
# pointers into this session's memory) among the objects the function uses
# (`used`: from its environments, and globals, as globals::globalsOf() finds
# them), what they hold, and `worker_globals`. Objects it does not use travel
# too, unused and harmless. Returns c(name, where, what), or NULL when there
# is none. Environments of namespaces, packages and the global environment
# are not copied to workers and are not walked.
find_unshippable <- function(used, extra) {
  seen <- list()
  visit <- function(value, name, where, depth) {
    if (depth > 12L) return(NULL)
    what <- unshippable_kind(value)
    if (!is.null(what)) return(c(name, where, what))
    # (a function it uses: what that one uses is among `used` already)
    if (is.environment(value)) {
      return(visit_env(value, where, depth + 1L, prefix = paste0(name, "$")))
    }
    if (is.list(value) && !is.data.frame(value)) {
      items <- utils::head(seq_along(value), 10000L)
      labels <- names(value)
      for (i in items) {
        label <- if (!is.null(labels) && nzchar(labels[[i]])) {
          paste0(name, "$", labels[[i]])
        } else {
          paste0(name, "[[", i, "]]")
        }
        found <- visit(value[[i]], label, where, depth + 1L)
        if (!is.null(found)) return(found)
      }
    }
    if (isS4(value)) {
      for (slot in methods::slotNames(value)) {
        found <- visit(methods::slot(value, slot), paste0(name, "@", slot), where,
                       depth + 1L)
        if (!is.null(found)) return(found)
      }
    }
    NULL
  }
  visit_env <- function(env, where, depth, prefix = "") {
    while (is.environment(env) && !is_shared_env(env)) {
      if (any(vapply(seen, identical, logical(1), env)) || length(seen) > 1000L) {
        return(NULL)
      }
      seen[[length(seen) + 1L]] <<- env
      for (name in sort(ls(env, all.names = TRUE))) {
        if (bindingIsActive(name, env)) next
        value <- get0(name, envir = env, inherits = FALSE)
        found <- visit(value, paste0(prefix, name), where, depth)
        if (!is.null(found)) return(found)
      }
      env <- parent.env(env)
      prefix <- ""
    }
    NULL
  }
  found <- NULL
  for (name in names(used$closure)) {
    found <- found %||% visit(used$closure[[name]], name, "in its environment", 0L)
  }
  for (name in names(used$global)) {
    found <- found %||% visit(used$global[[name]], name, "a global it uses", 0L)
  }
  for (name in names(extra)) {
    found <- found %||% visit(extra[[name]], name, "in worker_globals", 0L)
  }
  found
}

# Packages named in `pkg::name` or `pkg:::name` calls in the functions'
# code (a worker loads them when the call runs).
namespaces_called <- function(functions) {
  found <- character()
  walk <- function(expr) {
    if (is.call(expr)) {
      head <- expr[[1]]
      if (is.symbol(head) && as.character(head) %in% c("::", ":::")) {
        found <<- c(found, as.character(expr[[2]]))
        return(invisible())
      }
      for (part in as.list(expr)) if (!missing(part)) walk(part)
    }
  }
  for (f in functions) if (is.function(f) && !is.primitive(f)) walk(body(f))
  unique(found)
}

# Packages that start Python when they load or run: a worker that loads one
# starts its own Python (and Keras), seconds per worker and fit.
python_packages <- c("keras3", "keras", "reticulate", "tensorflow", "tfdatasets")

is_shared_env <- function(env) {
  identical(env, globalenv()) || identical(env, baseenv()) ||
    identical(env, emptyenv()) || isNamespace(env) ||
    startsWith(environmentName(env), "package:")
}

unshippable_kind <- function(value) {
  if (inherits(value, "connection")) {
    description <- tryCatch(summary(value)$description, error = function(e) NULL)
    return(paste0("a connection",
                  if (!is.null(description)) paste0(" (", description, ")")))
  }
  if (inherits(value, "python.builtin.object")) {
    return(paste0("a Python object (", class(value)[[1]], ")"))
  }
  if (typeof(value) == "externalptr") {
    return(paste0("an external pointer",
                  if (!is.null(oldClass(value))) paste0(" (", oldClass(value)[[1]], ")")))
  }
  NULL
}

# The functions a worker runs, detached from kfit's namespace: a worker
# then starts without loading kfit and its imports (reticulate alone takes
# seconds to load), only jsonlite. Their code stays in this package.
worker_functions <- c("worker_main", "worker_serve", "worker_requests", "worker_ends", "worker_setup", "worker_env",
                      "worker_baseline",
                      "worker_reset", "read_request", "sent", "worker_error", "error_record",
                      "encode_frame", "encode_node", "write_frame", "leaf_raw",
                      "leaf_width", "codec_max_strings", "to_json", "json_string",
                      "json_strings")

worker_code <- function() {
  env <- new.env(parent = baseenv())
  ns <- asNamespace("kfit")
  for (name in worker_functions) {
    value <- get(name, envir = ns)
    if (is.function(value)) environment(value) <- env
    assign(name, value, envir = env)
  }
  env
}

detect_globals <- function(fn) {
  found <- globals::globalsOf(
    quote(.kfit_worker_fn()),
    envir = list2env(list(.kfit_worker_fn = fn), parent = environment(fn) %||% globalenv()),
    mustExist = FALSE, recursive = TRUE
  )
  found <- found[setdiff(names(found), ".kfit_worker_fn")]
  where <- attr(found, "where")
  packages <- globals::packagesOf(found)
  # Values in the closure's own environments travel with it; those in the
  # global environment (not serialized with a closure) are shipped here.
  in_global <- vapply(names(found), function(name) {
    identical(where[[name]], globalenv())
  }, logical(1))
  list(values = as.list(found)[in_global], packages = packages,
       used = list(closure = as.list(found)[!in_global],
                   global = as.list(found)[in_global]))
}

resolve_worker_globals <- function(globals, envir) {
  if (is.null(globals) || (is.list(globals) && !length(globals))) {
    return(list())
  }
  if (is.character(globals)) {
    missing <- globals[!vapply(globals, exists, logical(1), envir = envir)]
    if (length(missing)) {
      kfit_abort(c(
        "{.arg worker_globals} names objects that do not exist.",
        x = "Not found: {.val {missing}}.",
        i = "Give their names as they are in your session, or a named list of values."
      ), class = "kfit_value_error", call = rlang::caller_env(2))
    }
    return(mget(globals, envir = envir))
  }
  if (is.list(globals) && !is.null(names(globals)) && all(nzchar(names(globals)))) {
    return(globals)
  }
  kfit_abort(c(
    "{.arg worker_globals} must be a character vector of names or a named list.",
    x = "Received {received(globals)}."
  ), class = "kfit_type_error", call = rlang::caller_env(2))
}

# A worker process. It connects to the session, says hello, then serves
# one fit after another: LOAD (3, number) followed by the payload's path
# (an int32 length and its bytes) sets up a fit (worker_setup()); then each
# request gets frames back: (1, n) the next n batches of a generator (a
# frame each), (2, i) batch i of an index dataset (a batch, "end" when the
# function returned NULL, or an error); RESET (4, 0) ends the fit: the worker clears what the
# fit left (worker_reset()) and answers "idle". (0, 0), a closed socket, or
# `idle` seconds without a LOAD end the process. Requests are little-endian
# int32s. Started by the core as `p <- readRDS(<bootstrap>); p$main(p)`
# (see kfit/workers/process.py).
worker_main <- function(boot) {
  # The codec's C routines, from kfit's shared library (kfit itself is not
  # loaded here).
  dll <- dyn.load(boot$dll)
  for (routine in c("kfit_leaf_bytes", "kfit_encode_node")) {
    assign(routine, getNativeSymbolInfo(routine, dll), envir = parent.env(environment()))
  }
  env <- Sys.getenv(c("KFIT_WORKER_PORT", "KFIT_WORKER_TOKEN", "KFIT_WORKER_ID"))
  # Frames go out at once: no Nagle delay while earlier ones are unacknowledged.
  options(socketOptions = "no-delay")
  con <- socketConnection("127.0.0.1", as.integer(env[["KFIT_WORKER_PORT"]]),
                          open = "r+b", blocking = TRUE, timeout = 2147483L)
  on.exit(close(con), add = TRUE)
  write_frame(con, encode_frame("hello", encode_value = FALSE,
                                id = as.integer(env[["KFIT_WORKER_ID"]]),
                                token = env[["KFIT_WORKER_TOKEN"]], pid = Sys.getpid()))
  baseline <- worker_baseline()
  buffers <- new.env(parent = emptyenv())
  idle <- 300
  repeat {
    if (!socketSelect(list(con), timeout = idle)) break
    request <- read_request(con)
    if (is.null(request) || request[[1]] != 3L) break
    size <- readBin(con, "integer", n = 1L, size = 4L, endian = "little")
    if (!length(size)) break
    path <- readChar(con, size, useBytes = TRUE)
    payload <- tryCatch(readRDS(path), error = function(e) e)
    if (!inherits(payload, "error") && is.numeric(payload$idle)) idle <- payload$idle
    fn <- if (inherits(payload, "error")) payload else {
      tryCatch(worker_setup(payload, request[[2]]), error = function(e) e)
    }
    if (!worker_serve(con, fn, buffers)) break
    fn <- payload <- NULL
    worker_reset(baseline)
    if (!sent(write_frame(con, encode_frame("idle", encode_value = FALSE)))) break
  }
  invisible(NULL)
}

# Serves one fit's requests: TRUE at RESET, FALSE when the worker must end.
# A frame whose header is the one before it goes with an empty header (a
# generator's batches all have the first one's structure): the core parses
# the structure once. NEXT asks for `count` batches at once (one request, one
# wake-up of this process per group); each batch is written as soon as it is
# made, so what the generator returned reaches the core even if a later call
# kills the process. Before each batch but a request's first, requests that
# came meanwhile are read (worker_requests()): after a RESET or a STOP, the
# batches still asked for are not made (the fit is over; they would only
# keep this process busy while the next fit starts).
worker_serve <- function(con, fn, buffers) {
  last <- ""
  queue <- list()
  repeat {
    if (length(queue)) {
      request <- queue[[1L]]
      queue <- queue[-1L]
    } else {
      request <- read_request(con)
    }
    if (is.null(request) || request[[1]] == 0L) return(FALSE)
    if (request[[1]] == 4L) return(TRUE)
    count <- if (request[[1]] == 1L) max(1L, request[[2]]) else 1L
    for (k in seq_len(count)) {
      if (k > 1L || length(queue)) {
        queue <- worker_requests(con, queue)
        ends <- worker_ends(queue)
        if (!is.na(ends)) return(ends)
      }
      if (inherits(fn, "error")) {
        frame <- do.call(encode_frame, c(list("error", encode_value = FALSE),
                                         worker_error(fn, "starting the worker")))
        if (!sent(write_frame(con, frame))) return(FALSE)
        next
      }
      value <- tryCatch(
        if (request[[1]] == 2L) fn(request[[2]]) else fn(),
        error = function(e) e
      )
      frame <- if (inherits(value, "error")) {
        do.call(encode_frame, c(list("error", encode_value = FALSE), worker_error(value)))
      } else if (is.null(value)) {
        encode_frame("end", encode_value = FALSE)
      } else {
        encode_frame("batch", value, single = TRUE)
      }
      header <- frame$header
      if (identical(header, last)) frame$header <- "" else last <- header
      if (!sent(write_frame(con, frame, buffers))) return(FALSE)
    }
  }
}

# `queue` and the requests that have come since, without waiting
# (socketSelect() sees what R's connection buffered too); a closed socket
# is a NULL request.
worker_requests <- function(con, queue) {
  while (socketSelect(list(con), timeout = 0)) {
    request <- read_request(con)
    queue[[length(queue) + 1L]] <- request
    if (is.null(request)) break
  }
  queue
}

# How worker_serve() ends when `queue` holds a STOP or a closed socket
# (FALSE) or a RESET (TRUE, or FALSE when a STOP follows it); NA when it
# holds neither.
worker_ends <- function(queue) {
  ops <- vapply(queue, function(r) if (is.null(r)) 0L else r[[1]], integer(1))
  at <- match(c(0L, 4L), ops)
  if (is.na(at[[1]]) && is.na(at[[2]])) return(NA)
  if (!is.na(at[[2]]) && (is.na(at[[1]]) || at[[2]] < at[[1]])) {
    return(!any(ops[-seq_len(at[[2]])] == 0L))
  }
  FALSE
}

read_request <- function(con) {
  request <- readBin(con, "integer", n = 2L, size = 4L, endian = "little")
  if (length(request) < 2L) NULL else request
}

# TRUE when a frame went out. The session may stop reading at any time (end
# of training, Ctrl-C): R reports the closed socket as a warning ("problem
# writing to connection") or an error, and either way the worker ends
# quietly.
sent <- function(write) {
  tryCatch({ write; TRUE }, warning = function(w) FALSE, error = function(e) FALSE)
}

# Sets up fit `payload` as its worker `number`: the session's working
# directory and environment variables (as they are now, not when the worker
# started), the packages (attached), the globals, the worker's seed; returns
# the function.
worker_setup <- function(payload, number) {
  setwd(payload$wd)
  worker_env(payload$env)
  for (package in payload$packages) {
    suppressPackageStartupMessages(library(package, character.only = TRUE))
  }
  list2env(payload$globals, envir = globalenv())
  set.seed(payload$seeds[[number]])
  payload$fn
}

# The session's environment variables, but for the worker's own (R's, its
# temporary directory, its connection to the session).
worker_env <- function(env) {
  own <- function(names) {
    grepl("^(R_|KFIT_WORKER_)", names) | names %in% c("TMPDIR", "TMP", "TEMP")
  }
  now <- Sys.getenv()
  gone <- setdiff(names(now)[!own(names(now))], names(env))
  if (length(gone)) Sys.unsetenv(gone)
  env <- env[!own(names(env))]
  changed <- env[!names(env) %in% names(now) | now[names(env)] != env]
  for (name in names(changed)) {
    try(suppressWarnings(do.call(Sys.setenv, as.list(changed[name]))), silent = TRUE)
  }
}

# What a fresh worker has, to go back to after each fit.
worker_baseline <- function() {
  list(search = search(), options = options(), wd = getwd())
}

# Leaves nothing of a fit for the next one: its globals, the packages it
# attached, the options it set and the files it left in tempdir() go; the
# namespaces it loaded stay loaded (R cannot unload them safely).
worker_reset <- function(baseline) {
  rm(list = ls(globalenv(), all.names = TRUE), envir = globalenv())
  for (name in setdiff(search(), baseline$search)) {
    at <- match(name, search())
    if (!is.na(at)) try(detach(pos = at, character.only = TRUE), silent = TRUE)
  }
  now <- options()
  changed <- names(now)[!vapply(names(now), function(name) {
    identical(now[[name]], baseline$options[[name]])
  }, logical(1))]
  if (length(changed)) {
    restore <- baseline$options[changed]
    names(restore) <- changed  # NULL for the options the fit added
    try(options(restore), silent = TRUE)
  }
  unlink(list.files(tempdir(), full.names = TRUE, all.files = TRUE, no.. = TRUE),
         recursive = TRUE, force = TRUE)
  setwd(baseline$wd)
  invisible(gc(verbose = FALSE))
}

worker_error <- function(e, while_doing = NULL) {
  record <- error_record(e)
  if (!is.null(while_doing)) {
    record$message <- paste0("failed while ", while_doing, ": ", record$message)
  }
  record[c("message", "call")]
}
