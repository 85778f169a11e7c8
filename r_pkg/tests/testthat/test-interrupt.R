# Runs `lines` in an Rscript of its own, and sends it SIGINT from outside,
# as a terminal's Ctrl-C does, `delay` seconds after the script created the
# file named by its first argument. Returns what it printed (stdout and
# stderr, as bytes in one string) once it has exited.
interrupted_script <- function(lines, delay) {
  script <- withr::local_tempfile(fileext = ".R")
  ready <- withr::local_tempfile()
  output <- withr::local_tempfile()
  writeLines(c(lines[1], dump_stacks, lines[-1]), script)
  command <- paste(
    paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = ":"))),
    shQuote(file.path(R.home("bin"), "Rscript")), shQuote(script), shQuote(ready),
    ">>", shQuote(output), "2>&1 &",
    "pid=$!;", watchdog(output, 180),
    "for once in 1; do", ctrl_c_when(ready, delay), "done; wait $pid; wait"
  )
  system2("bash", c("-c", shQuote(command)))
  readChar(output, file.size(output), useBytes = TRUE)
}

test_that("Ctrl-C still interrupts R code after library(kfit) and a fit()", {
  skip_if_no_core()
  skip_on_os("windows") # SIGINT is a POSIX signal
  out <- interrupted_script(c(
    "library(kfit)",
    "keras <- reticulate::import('keras')",
    "model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))",
    "model$compile(optimizer = 'adam', loss = 'mse')",
    "h <- fit(model, as.matrix(iris[1:4]), matrix(0, 150, 3), epochs = 1, verbose = 0)",
    "file.create(commandArgs(TRUE)[1])",
    "t0 <- Sys.time()",
    "res <- tryCatch({",
    "  repeat if (difftime(Sys.time(), t0, units = 'secs') > 30) break",
    "  'not interrupted'",
    "}, interrupt = function(e) 'interrupted')",
    "cat('RESULT:', res, '\\n')"
  ), delay = 0.5)
  expect_match(strsplit(out, "\n", fixed = TRUE)[[1]], "^RESULT: interrupted", all = FALSE)
})

# Ctrl-C during training: real SIGINTs from outside to one child Rscript, at
# one moment (`mode`) of each of its fits, one after the other in one
# session, as when one presses Ctrl-C, looks, and trains again.
interrupt_script <- c(
  "library(kfit)",
  dump_stacks,
  "args <- commandArgs(TRUE); prefix <- args[[1]]; modes <- strsplit(args[[2]], ',')[[1]]",
  "keras <- reticulate::import('keras')",
  "threading <- reticulate::import('threading')",
  "make_model <- function() {",
  "  model <- keras$Sequential(list(keras$Input(shape = list(20L)), keras$layers$Dense(16L), keras$layers$Dense(1L)))",
  "  model$compile(optimizer = 'adam', loss = 'mse')",
  "  model",
  "}",
  "gen <- function() { x <- matrix(runif(64 * 20), 64, 20); list(x, rowSums(x)) }",
  "slow_val <- function() { Sys.sleep(0.05); gen() }",
  # runs in the worker: tells the shell, then takes 30 s to make batch 1
  "slow_first <- function() { if (!file.exists(ready)) { file.create(ready); Sys.sleep(30) }; gen() }",
  "busy <- function(seconds) { t0 <- Sys.time(); while (difftime(Sys.time(), t0, units = 'secs') < seconds) NULL }",
  "ppid <- function(f) { s <- tryCatch(suppressWarnings(readLines(f, warn = FALSE)), error = function(e) ''); if (!length(s) || !nzchar(s[1])) return(NA); strsplit(sub('.*\\\\) ', '', s[1]), ' ')[[1]][2] }",
  "children <- function() length(Filter(function(f) identical(ppid(f), as.character(Sys.getpid())), Sys.glob('/proc/[0-9]*/stat')))",
  "say <- function(round, name, value) cat(sprintf('R%d %s: %s\\n', round, name, paste(value, collapse = ' ')))",
  "for (round in seq_along(modes)) {",
  "  mode <- modes[[round]]",
  "  ready <- paste0(prefix, '.', round)",
  "  model <- make_model()  # a new one: its first step may be interrupted",
  "  epoch <- 0L",
  # When the signal comes: `ready` tells the shell (which waits 0.2 s more).
  "  cb <- callback_lambda(",
  "    on_epoch_begin = function(e, logs) epoch <<- e,",
  "    on_epoch_end = function(e, logs) {",
  "      if (e == 1L && mode %in% c('arrays', 'generator', 'generator_twice')) file.create(ready)",
  "      if (e == 2L && mode %in% c('callback', 'callback_twice')) { file.create(ready); busy(0.5) }",
  "    },",
  "    on_batch_end = function(b, logs) {",
  "      if (mode == 'validation' && epoch == 2L && b == 20L) file.create(ready)",
  "      if (mode == 'first_epoch' && b == 5L) file.create(ready)",
  "      if (mode == 'first_validation' && b == 20L) file.create(ready)",
  "    })",
  "  if (mode == 'startup') file.create(ready)  # during the worker's start-up",
  "  threads_before <- threading$active_count()",
  "  warned <- FALSE",
  "  h <- withCallingHandlers(",
  "    switch(mode,",
  "      arrays = fit(model, matrix(runif(2e5), 1e4, 20), runif(1e4), epochs = 1000, verbose = 0, callbacks = list(cb)),",
  "      validation = , first_validation = fit(model, gen, steps_per_epoch = 20, epochs = 1000, verbose = 0,",
  "        callbacks = list(cb), validation_data = slow_val, validation_steps = 40),",
  # an endless generator without steps_per_epoch: epoch 1 never ends
  "      first_epoch = fit(model, gen, epochs = 3, verbose = 0, callbacks = list(cb)),",
  "      before_first_batch = fit(model, slow_first, steps_per_epoch = 20, epochs = 1000, verbose = 0),",
  "      fit(model, gen, steps_per_epoch = 20, epochs = 1000, verbose = 0, callbacks = list(cb))),",
  "    kfit_interrupted = function(w) { warned <<- TRUE; invokeRestart('muffleWarning') })",
  "  say(round, 'RETURNED', format(as.numeric(Sys.time()), digits = 15))",
  "  say(round, 'WARNED', warned)",
  "  say(round, 'EPOCHS', length(h$metrics$loss))",
  "  say(round, 'FINITE', all(is.finite(h$metrics$loss)))",
  "  say(round, 'LAST', identical(last_history(), h))",
  "  Sys.sleep(0.2)",
  "  say(round, 'CHILDREN', children())",
  "  say(round, 'THREADS', threading$active_count() - threads_before)",
  # the session trains again (the model too: an interrupt inside its first
  # step's tracing would break its train function for good)
  "  again <- tryCatch(length(fit(model, gen, steps_per_epoch = 2, epochs = 2, verbose = 0)$metrics$loss),",
  "    error = function(e) gsub('\\n', ' ', conditionMessage(e)))",
  "  say(round, 'AGAIN', again)",
  "  say(round, 'IDLE', kfit_stop_workers())  # the next round starts without warm workers",
  "}"
)

# Runs the child, one fit per element of `modes`, each sent `signals` SIGINTs
# (the second 1 ms after the first), with its own TMPDIR; returns its output,
# when each fit's (first) signal was sent, and what its TMPDIR held once it
# exited.
interrupt_child <- function(modes, signals) {
  script <- tempfile(fileext = ".R")
  prefix <- tempfile()
  output <- tempfile()
  killed <- tempfile()
  tmp <- tempfile()
  dir.create(tmp)
  on.exit(unlink(c(script, paste0(prefix, ".", seq_along(modes)), output, killed, tmp),
                 recursive = TRUE), add = TRUE)
  writeLines(interrupt_script, script)
  # Per fit: wait for its `ready` file, then signal.
  one_fit <- function(round) {
    ctrl_c_when(paste0(prefix, ".", round), if (modes[[round]] == "validation") 0.3 else 0.2,
                signals[[round]], log = killed)
  }
  command <- paste(
    paste0("TMPDIR=", shQuote(tmp)),
    paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = ":"))),
    shQuote(file.path(R.home("bin"), "Rscript")), shQuote(script), shQuote(prefix),
    paste(modes, collapse = ","), ">>", shQuote(output), "2>&1 &",
    "pid=$!;", watchdog(output, 900), "for once in 1; do",
    paste(vapply(seq_along(modes), one_fit, ""), collapse = " "), "done;",
    "wait $pid; wait"
  )
  system2("bash", c("-c", shQuote(command)))
  killed <- if (file.exists(killed)) as.numeric(readLines(killed)) else numeric()
  list(out = readLines(output), killed = killed,
       left = list.files(tmp, all.files = TRUE, no.. = TRUE, recursive = TRUE))
}

# Where Ctrl-C comes (mode) and how many times (1 or 2, 1 ms apart).
cases <- c(
  startup = 1L, before_first_batch = 1L, first_epoch = 1L, first_validation = 1L,
  arrays = 1L, generator = 1L, validation = 1L, callback = 1L, generator_twice = 2L,
  callback_twice = 2L
)
rounds <- 3L

test_that(paste("Ctrl-C at 10 moments, 3 times each, 30 fits in one session: each",
                "stops within 1 s, returns its history, leaves nothing"), {
  skip_if_no_core()
  # one mode after another, round after round
  modes <- rep(names(cases), times = rounds)
  run <- interrupt_child(modes, cases[modes])
  # the last lines, or all from the watchdog's stacks on
  hung <- grep("^WATCHDOG", run$out)
  info <- paste(if (length(hung)) run$out[max(1, hung[1] - 30):length(run$out)]
                else tail(run$out, 30), collapse = "\n")
  expect_identical(length(hung), 0L, info = info)
  expect_length(run$killed, length(modes))
  for (round in seq_along(modes)[seq_along(run$killed)]) {
    mode <- modes[[round]]
    value <- function(name) child_value(run$out, sprintf("R%d %s", round, name))
    returned <- as.numeric(value("RETURNED"))
    label <- paste0("fit ", round, " (", mode, ", ", cases[[mode]], " SIGINT)\n", info)
    # in epoch 1 or earlier: the history of no epoch, returned all the same
    early <- mode %in% c("startup", "before_first_batch", "first_epoch",
                         "first_validation")
    expect_lt(returned - run$killed[[round]], if (mode == "startup") 2 else 1,
              label = label)
    expect_identical(value("WARNED"), "TRUE", info = label)
    expect_gte(as.integer(value("EPOCHS")), if (early) 0L else 1L, label = label)
    expect_identical(value("FINITE"), "TRUE", info = label)
    expect_identical(value("LAST"), "TRUE", info = label)
    expect_identical(value("CHILDREN"), "0", info = label)
    expect_identical(value("THREADS"), "0", info = label)
    expect_identical(value("AGAIN"), "2", info = label)
    expect_identical(value("IDLE"), "1", info = label)  # AGAIN's warm worker
  }
  # no file of the session's or its workers' (R's tempdirs, payloads)
  expect_identical(run$left, character(), info = info)
})

test_that("an interrupt in kfit's own R code around the core is an interrupted run too", {
  skip_if_no_core()
  x <- iris_x()[1:8, ]
  y <- as.integer(iris$Species[1:8]) - 1L
  gen <- function() list(x, y)  # for a worker: its data travels with it
  warned <- FALSE
  # worker_globals is looked up in kfit's R code, before the core runs
  h <- withCallingHandlers(
    fit(small_model(), gen, steps_per_epoch = 2, verbose = 0,
        worker_globals = rlang::interrupt()),
    kfit_interrupted = function(w) {
      warned <<- TRUE
      invokeRestart("muffleWarning")
    })
  expect_true(warned)
  expect_s3_class(h, "keras_training_history")
  expect_length(h$metrics, 0L)
  expect_identical(last_history(), h)
  # and the session trains on
  h2 <- fit(small_model(), gen, steps_per_epoch = 2, epochs = 2, verbose = 0)
  expect_length(h2$metrics$loss, 2L)
})

test_that("after Ctrl-C in a progress bar, the warning and a worker's message start a line", {
  skip_if_no_core()
  skip_on_os("windows") # SIGINT is a POSIX signal
  out <- interrupted_script(c(
    "library(kfit)",
    "keras <- reticulate::import('keras')",
    "model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(1L)))",
    "model$compile(optimizer = 'adam', loss = 'mse')",
    "ready <- commandArgs(TRUE)[1]",
    "n <- 0",
    "gen <- function() {",
    "  n <<- n + 1",
    "  if (n == 20) message('worker says hello')",  # read ahead: after ~10 steps
    "  if (n == 40) file.create(ready)",
    "  Sys.sleep(0.02)",
    "  list(matrix(runif(32), 8, 4), runif(8))",
    "}",
    "h <- fit(model, gen, steps_per_epoch = 1000, epochs = 2, verbose = 1)",
    "cat('EPOCHS:', length(h$metrics$loss), '\\n')"
  ), delay = 0.3)
  info <- substr(out, max(1, nchar(out) - 2000), nchar(out))
  # Keras' bar redraws its line with "\r"; what follows it begins a line.
  expect_match(out, "\r", fixed = TRUE, info = info)
  expect_match(out, "\n\\[kfit worker 1\\] worker says hello\n", info = info)
  said <- regexpr("[kfit worker 1]", out, fixed = TRUE)
  expect_gt(said, regexpr("/1000", out, fixed = TRUE))  # the bar was drawn first
  expect_match(out, "\nWarning message:\n", fixed = TRUE, info = info)
  expect_match(out, "Training was interrupted", fixed = TRUE, info = info)
  expect_match(out, "EPOCHS: 0", fixed = TRUE, info = info)
})
