#' @keywords internal
"_PACKAGE"

## usethis namespace: start
#' @importFrom rlang .data %||%
#' @useDynLib kfit, .registration = TRUE
## usethis namespace: end
NULL
