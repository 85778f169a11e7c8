# The R-hosted row of the batch-ID matrix: R hosts Python (reticulate), and
# kfit's R fit() trains a probe model on R sources.
# `Rscript batch_matrix_child.R SETUP CASE...` prints one "RESULT {json}" line
# per case, as tests/batch_matrix_child.py does (see tests/test_batch_matrix.py).
args <- commandArgs(trailingOnly = TRUE)
setup <- args[[1]]
names <- args[-1]
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=",
  commandArgs(FALSE), value = TRUE))))

# As a keras3 user picks a backend: first thing in the session.
if (setup == "jax-use-backend") keras3::use_backend("jax")
library(kfit)
child <- reticulate::import_from_path("batch_matrix_child", path = here)
if (setup == "jax-use-backend") {
  distribution <- NULL
} else {
  distribution <- child$configure(setup)  # backend and XLA flags, before Keras
}
keras <- reticulate::import("keras")
stopifnot(keras$backend$backend() == sub("-.*", "", setup))
cases <- reticulate::import_from_path("batch_matrix_cases", path = here)
probe <- reticulate::import_from_path("batch_probe", path = here)
json <- reticulate::import("json")
eval(parse(text = cases$R_BATCH), envir = globalenv())
scoped <- child$`_distribution`(keras, distribution)
scope <- scoped[[1]]
replicas <- scoped[[2]]

run_case <- function(name) {
  parts <- cases$R_FITS[[name]]
  call <- sprintf("fit(model, %s, %s, verbose = 0)", parts[[1]], parts[[2]])
  with(scope(), {
    model <- probe$make_model(keras, replicas = replicas)
    error <- NULL
    history <- tryCatch(eval(parse(text = call)), error = function(e) {
      error <<- conditionMessage(e)
      e$history
    })
  })
  metrics <- if (is.null(history)) list() else history$metrics
  epochs <- if (length(metrics)) seq_along(metrics[[1]]) else integer()
  out <- probe$record(model)
  out$setup <- setup
  out$case <- name
  out["error"] <- list(error)
  out$history <- lapply(metrics, as.list)
  out$epochs <- as.list(epochs)
  cat("\nRESULT ", json$dumps(out), "\n", sep = "")
}

for (name in names) run_case(name)
