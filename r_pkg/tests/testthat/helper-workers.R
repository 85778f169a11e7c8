# Helpers for tests that train from R generators in worker processes.

# A model whose weights after training show exactly which batches it saw,
# in which order (a seeded Dense model, shuffle = FALSE, plain SGD).
regression_model <- function(n_in = 4L) {
  keras <- keras_module()
  keras$utils$set_random_seed(7L)
  model <- keras$Sequential(list(
    keras$Input(shape = list(as.integer(n_in))),
    keras$layers$Dense(3L, activation = "tanh"),
    keras$layers$Dense(1L)
  ))
  model$compile(optimizer = keras$optimizers$SGD(0.05), loss = "mse")
  model
}

model_weights <- function(model) {
  lapply(model$get_weights(), as.array)
}

# Rscript in a child process with this session's library paths; returns
# its output lines. `code` is a character vector of R lines.
run_child <- function(code, timeout = 300, args = character()) {
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script), add = TRUE)
  writeLines(code, script)
  out <- suppressWarnings(system2(
    file.path(R.home("bin"), "Rscript"), c(shQuote(script), args),
    stdout = TRUE, stderr = TRUE, timeout = timeout,
    env = paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = ":")))
  ))
  structure(out, status = attr(out, "status") %||% 0L)
}

# run_child() in the background: start_child() returns at once, and
# finish_child() waits for it and returns what run_child() would. Children
# that only must not abort run two at a time this way (these machines have
# two cores; a child mostly waits on one).
start_child <- function(code, timeout = 300) {
  dir <- tempfile("kfit-child-")
  dir.create(dir)
  writeLines(code, file.path(dir, "script.R"))
  files <- vapply(c("script.R", "out", "status.tmp", "status"),
                  function(f) shQuote(file.path(dir, f)), "")
  command <- sprintf(
    "R_LIBS=%s timeout %d %s %s > %s 2>&1; echo $? > %s; mv %s %s",
    shQuote(paste(.libPaths(), collapse = ":")), as.integer(timeout),
    shQuote(file.path(R.home("bin"), "Rscript")), files[[1]], files[[2]],
    files[[3]], files[[3]], files[[4]]
  )
  system2("sh", c("-c", shQuote(command)), wait = FALSE)
  dir
}

finish_child <- function(dir) {
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  status <- file.path(dir, "status")
  while (!file.exists(status)) Sys.sleep(0.2)
  out <- readLines(file.path(dir, "out"), warn = FALSE)
  structure(out, status = as.integer(readLines(status)))
}

# The value of "NAME: value" lines a child printed.
child_value <- function(out, name) {
  line <- grep(paste0("^", name, ": "), out, value = TRUE)
  if (!length(line)) return(NA_character_)
  sub(paste0("^", name, ": "), "", line[[length(line)]])
}

`%||%` <- function(x, y) if (is.null(x)) y else x
