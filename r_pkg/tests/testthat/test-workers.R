# Warm R workers: a worker serves one fit after another (see ?kfit_stop_workers).
# Each generator writes what it sees to a file of this session, read back
# here: the worker's pid, and what an earlier fit left in it.

idle_pids <- function() as.integer(unlist(kfit:::kfit_core()$worker_pids()))

# A generator that notes, at its first call, its pid and what it finds of
# earlier fits (a global, an attached package, an option, a file in
# tempdir()), then leaves the same behind.
noting_gen <- function(note) {
  force(note)
  first <- TRUE
  function() {
    if (first) {
      first <<- FALSE
      cat(Sys.getpid(), exists("left_global", envir = globalenv()),
          "package:tools" %in% search(), !is.null(getOption("kfit_left_option")),
          length(list.files(tempdir())), "\n", file = note, append = TRUE)
      assign("left_global", 1, envir = globalenv())
      library(tools)
      options(kfit_left_option = TRUE)
      writeLines("x", file.path(tempdir(), "left-file"))
    }
    list(matrix(0.5, 8, 4), rep(1, 8))
  }
}

notes <- function(note) {
  lapply(strsplit(readLines(note), " "), function(fields) {
    list(pid = as.integer(fields[[1]]), global = fields[[2]], attached = fields[[3]],
         option = fields[[4]], files = as.integer(fields[[5]]))
  })
}

test_that("a worker serves the next fit, and nothing of one fit reaches the next (4 fits)", {
  skip_if_no_core()
  kfit_stop_workers()
  note <- tempfile("kfit-note-")
  for (i in 1:4) {
    h <- fit(regression_model(), noting_gen(note), steps_per_epoch = 3, epochs = 2,
             verbose = 0)
    expect_length(h$metrics$loss, 2L)
    expect_length(idle_pids(), 1L)
  }
  seen <- notes(note)
  pids <- vapply(seen, `[[`, integer(1), "pid")
  expect_identical(length(unique(pids)), 1L)
  expect_false(pids[[1]] == Sys.getpid())
  expect_identical(idle_pids(), pids[[1]])
  for (s in seen) {
    # no global, attached package, option or file of the fit before
    expect_identical(unlist(s[c("global", "attached", "option")]),
                     c(global = "FALSE", attached = "FALSE", option = "FALSE"))
    expect_identical(s$files, 0L)
  }
  expect_identical(kfit_stop_workers(), 1L)
  expect_length(idle_pids(), 0L)
  Sys.sleep(0.2)
  expect_false(process_alive(pids[[1]]))
})

test_that("warm index-dataset workers train every batch once, in order, with set.seed() runs identical", {
  skip_if_no_core()
  kfit_stop_workers()
  make_data <- function() function(i) {
    x <- matrix(runif(16) + i, 4, 4)
    list(x, rowSums(x))
  }
  trained <- lapply(1:3, function(round) {
    set.seed(11)
    model <- regression_model()
    fit(model, make_data(), steps_per_epoch = 6, epochs = 2, workers = 2, verbose = 0)
    model_weights(model)
  })
  expect_length(idle_pids(), 2L)
  expect_identical(trained[[2]], trained[[1]])  # fresh workers, then warm ones
  expect_identical(trained[[3]], trained[[1]])
  kfit_stop_workers()
})

test_that("an idle worker ends after kfit.worker_idle_timeout, leaving no process or file", {
  skip_if_no_core()
  kfit_stop_workers()
  withr::local_options(kfit.worker_idle_timeout = 1)
  note <- tempfile("kfit-note-")
  fit(regression_model(), noting_gen(note), steps_per_epoch = 2, verbose = 0)
  pid <- notes(note)[[1]]$pid
  expect_identical(idle_pids(), pid)
  expect_true(process_alive(pid))
  for (i in 1:50) if (length(idle_pids())) Sys.sleep(0.1) else break
  expect_length(idle_pids(), 0L)
  expect_false(file.exists(sprintf("/proc/%d", pid)))  # ended and reaped
  expect_length(list.files(tempdir(), "^kfit-wtmp-"), 0L)
  # the next fit starts a new one
  fit(regression_model(), noting_gen(note), steps_per_epoch = 2, verbose = 0)
  expect_false(notes(note)[[2]]$pid == pid)
  kfit_stop_workers()
})

test_that("a warm worker that died between fits is replaced", {
  skip_if_no_core()
  kfit_stop_workers()
  note <- tempfile("kfit-note-")
  fit(regression_model(), noting_gen(note), steps_per_epoch = 2, verbose = 0)
  pid <- idle_pids()
  expect_length(pid, 1L)
  tools::pskill(pid, tools::SIGKILL)
  Sys.sleep(0.3)
  h <- fit(regression_model(), noting_gen(note), steps_per_epoch = 3, verbose = 0)
  expect_length(h$metrics$loss, 1L)
  second <- notes(note)[[2]]$pid
  expect_false(second == pid)
  expect_identical(idle_pids(), second)
  kfit_stop_workers()
})

test_that("a fit that fails or is turned off from reuse leaves no worker", {
  skip_if_no_core()
  kfit_stop_workers()
  failing <- function() stop("broken generator")
  expect_error(fit(regression_model(), failing, steps_per_epoch = 2, verbose = 0),
               "broken generator")
  expect_length(idle_pids(), 0L)
  withr::local_options(kfit.worker_reuse = FALSE)
  note <- tempfile("kfit-note-")
  fit(regression_model(), noting_gen(note), steps_per_epoch = 2, verbose = 0)
  expect_length(idle_pids(), 0L)
  expect_false(process_alive(notes(note)[[1]]$pid))
})

test_that("bad worker options are errors naming the option", {
  skip_if_no_core()
  gen <- function() list(matrix(1, 4, 4), rep(1, 4))
  withr::with_options(list(kfit.worker_reuse = "yes"), {
    expect_error(fit(regression_model(), gen, steps_per_epoch = 1, verbose = 0),
                 "kfit.worker_reuse.*TRUE or FALSE", class = "kfit_value_error")
  })
  withr::with_options(list(kfit.worker_idle_timeout = -1), {
    expect_error(fit(regression_model(), gen, steps_per_epoch = 1, verbose = 0),
                 "kfit.worker_idle_timeout", class = "kfit_value_error")
  })
})

# The session ends (quits, or is killed): its idle worker goes with it.
warm_child <- function(dir, ending) c(
  "library(kfit)",
  "keras <- reticulate::import('keras')",
  "model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(1L)))",
  "model$compile(optimizer = 'sgd', loss = 'mse')",
  "gen <- function() { cat(Sys.getpid(), file = file.path(Sys.getenv('DIR'), 'worker')); list(matrix(1, 4, 4), rep(1, 4)) }",
  sprintf("Sys.setenv(DIR = %s)", deparse(dir)),
  "fit(model, gen, steps_per_epoch = 2, verbose = 0)",
  "cat('TMP:', tempdir(), '\\n')",
  if (ending == "kill") "tools::pskill(Sys.getpid(), tools::SIGKILL)" else "quit(save = 'no')"
)

test_that("an idle worker ends with its session, quit or killed", {
  skip_if_no_core()
  skip_on_os(c("windows", "mac"))
  for (ending in c("quit", "kill")) {
    dir <- tempfile("kfit-warm-")
    dir.create(dir)
    out <- run_child(warm_child(dir, ending), timeout = 300)
    info <- paste(ending, paste(tail(out, 10), collapse = "\n"))
    expect_true(file.exists(file.path(dir, "worker")), info = info)
    worker <- readLines(file.path(dir, "worker"), warn = FALSE)
    for (i in 1:30) if (process_alive(worker)) Sys.sleep(0.1) else break
    expect_false(process_alive(worker), info = info)
    if (ending == "quit") {
      expect_identical(attr(out, "status"), 0L, info = info)
      expect_false(dir.exists(child_value(out, "TMP")), info = info)
    }
    unlink(dir, recursive = TRUE)
  }
})
