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

# Rscript in a child process with this session's library paths, killed
# after `timeout` seconds; returns its output lines with the exit status
# (124 on timeout) as attribute "status". `code` is a character vector of R
# lines.
run_child <- function(code, timeout = 300) {
  finish_child(start_child(code, timeout))
}

# run_child() in the background: start_child() returns at once, and
# finish_child() waits for it and returns what run_child() would. Children
# that only must not abort run two at a time this way (these machines have
# two cores; a child mostly waits on one).
start_child <- function(code, timeout = 300) {
  dir <- tempfile("kfit-child-")
  dir.create(dir)
  writeLines(code, file.path(dir, "script.R"))
  dir.create(file.path(dir, "tmp"))
  file <- function(name) shQuote(file.path(dir, name))
  # The status file appears whole (mv) once the child has exited. The
  # child's tempdir() is in `dir` (TMPDIR): a child a test kills (SIGKILL)
  # cannot remove it, finish_child() does.
  command <- sprintf(
    "TMPDIR=%s R_LIBS=%s timeout %d %s %s > %s 2>&1; echo $? > %s; mv %s %s",
    file("tmp"), shQuote(paste(.libPaths(), collapse = ":")), as.integer(timeout),
    shQuote(file.path(R.home("bin"), "Rscript")), file("script.R"), file("out"),
    file("status.tmp"), file("status.tmp"), file("status")
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


# TRUE while process `pid` runs (a zombie has ended: only its entry is left).
process_alive <- function(pid) {
  stat <- sprintf("/proc/%s/stat", pid)
  if (!file.exists(stat)) return(FALSE)
  state <- tryCatch(strsplit(sub(".*\\) ", "", readLines(stat, warn = FALSE)), " ")[[1]][1],
                    error = function(e) "gone")
  !state %in% c("Z", "X", "gone")
}
