# The R API against the core's table of arguments (kfit/argument_table.py):
# formals and their defaults, the names R sends to the core, the help pages.

argument_table <- function() reticulate::import("kfit.argument_table")

# name -> default as R code ("" where there is none), in the function's order
table_formals <- function(column, names) {
  table <- argument_table()
  by_name <- table$BY_NAME
  stats::setNames(
    vapply(names, function(n) by_name[[n]][[column]]$r, ""),
    vapply(names, function(n) by_name[[n]]$r_name, "")
  )
}

r_formals <- function(f) {
  defaults <- formals(f)
  defaults <- defaults[names(defaults) != "..."]
  vapply(defaults, function(d) paste(deparse(d), collapse = ""), "")
}

test_that("fit()'s formals and defaults are the table's", {
  skip_if_no_core()
  table <- argument_table()
  fit_method <- kfit:::fit.keras.src.models.model.Model
  expect_identical(r_formals(fit_method), table_formals("fit", unlist(table$FIT_ARGUMENTS)))
  # `...` (the generic's) comes right after the data
  expect_identical(names(formals(fit_method))[1:4], c("object", "x", "y", "..."))
})

test_that("fit_generator()'s formals and defaults are the table's", {
  skip_if_no_core()
  table <- argument_table()
  expect_identical(r_formals(fit_generator),
                   table_formals("fit_generator", unlist(table$GENERATOR_ARGUMENTS)))
})

test_that("R sends the core every argument but those it resolves itself", {
  skip_if_no_core()
  table <- argument_table()
  sent <- NULL
  # run_core() replaced for this test (testthat's local_mocked_bindings()
  # is newer than Debian's testthat)
  ns <- asNamespace("kfit")
  real <- ns$run_core
  unlockBinding("run_core", ns)
  assign("run_core", function(model, args, legacy, workers) {
    sent <<- list(names = names(args), legacy = legacy, workers = workers)
  }, envir = ns)
  withr::defer({
    assign("run_core", real, envir = ns)
    lockBinding("run_core", ns)
  })
  kfit:::fit.keras.src.models.model.Model(NULL, x = 1, worker_packages = "tools",
                                          workers = 2L)
  # the model goes as itself; worker_globals are looked up in R (worker_spec)
  expect_setequal(sent$names, setdiff(unlist(table$FIT_ARGUMENTS),
                                      c("model", "worker_globals")))
  expect_false(sent$legacy)
  suppressWarnings(fit_generator(NULL, function() NULL, 2L))
  expect_setequal(sent$names, setdiff(unlist(table$GENERATOR_ARGUMENTS),
                                      c("model", "worker_globals")))
  expect_true(sent$legacy)
})

test_that("the help pages document every argument", {
  skip_if_no_core()
  table <- argument_table()
  db <- tools::Rd_db("kfit")
  documented <- function(topic) {
    rd <- db[[paste0(topic, ".Rd")]]
    section <- Filter(function(s) identical(attr(s, "Rd_tag"), "\\arguments"), rd)[[1]]
    items <- Filter(function(s) identical(attr(s, "Rd_tag"), "\\item"), section)
    unlist(lapply(items, function(i) strsplit(paste(unlist(i[[1]]), collapse = ""), ",\\s*")[[1]]))
  }
  fit_names <- vapply(unlist(table$FIT_ARGUMENTS), function(n) table$BY_NAME[[n]]$r_name, "")
  expect_setequal(setdiff(documented("fit.keras.src.models.model.Model"), "..."), fit_names)
  generator_names <- vapply(unlist(table$GENERATOR_ARGUMENTS),
                            function(n) table$BY_NAME[[n]]$r_name, "")
  expect_setequal(documented("fit_generator"), generator_names)
})

test_that("fit_generator()'s help names no argument it does not have", {
  skip_if_no_core()
  table <- argument_table()
  rd <- tools::Rd_db("kfit")[["fit_generator.Rd"]]
  section <- Filter(function(s) identical(attr(s, "Rd_tag"), "\\arguments"), rd)[[1]]
  text <- paste(unlist(section), collapse = "")
  all_names <- vapply(table$BY_NAME, function(a) a$r_name, "")
  # the names with an underscore (validation_split, ...): never plain words
  all_names <- grep("_", all_names, value = TRUE)
  named <- all_names[vapply(all_names, function(n) {
    grepl(paste0("\\b", n, "\\b"), text)
  }, logical(1))]
  generator_names <- vapply(unlist(table$GENERATOR_ARGUMENTS),
                            function(n) table$BY_NAME[[n]]$r_name, "")
  # an argument of fit() named in fit_generator()'s page is one of its own
  expect_identical(setdiff(intersect(named, all_names), generator_names), character())
  expect_true("validation_steps" %in% named)
})
