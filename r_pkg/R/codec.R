# The one way R values reach kfit's Python core: a JSON header that
# describes the value (types, dims, classes, levels, names) and the raw
# bytes of its numeric vectors. The same frame carries an argument list
# from this session (over reticulate, as raw vectors) and a batch from an R
# worker process (over a socket). Python decodes it without calling R, and
# decides every rule (factors, NA, data frames) itself (kfit/r/codec.py).

# Strings shown to Python for character vectors: enough for argument values
# (`verbose = "auto"`, names) and for messages about character data.
codec_max_strings <- 1000L

# Describe `x`; its numeric vectors are appended to `leaves` (an
# environment holding a list) and referenced by index.
encode_node <- function(x, leaves) {
  if (is.null(x)) {
    return(list(t = "null"))
  }
  if (inherits(x, "python.builtin.object")) {
    leaves$python[[length(leaves$python) + 1L]] <- x
    return(list(t = "python", ref = length(leaves$python) - 1L))
  }
  classes <- I(as.character(oldClass(x)))
  names <- names(x)
  if (!is.null(names)) names <- I(as.character(names))
  if (is.list(x)) { # lists, data frames
    items <- lapply(seq_along(x), function(i) encode_node(x[[i]], leaves))
    return(list(t = "list", class = classes, names = names, items = items))
  }
  type <- typeof(x)
  node <- list(t = type, n = length(x), class = classes, names = names)
  dims <- dim(x)
  if (!is.null(dims)) node$dim <- I(as.integer(dims))
  if (type %in% c("double", "integer", "logical")) {
    leaves$data[[length(leaves$data) + 1L]] <- x
    node$b <- length(leaves$data) - 1L
    if (is.factor(x)) node$levels <- I(as.character(levels(x)))
  } else if (type == "character") {
    shown <- x[seq_len(min(length(x), codec_max_strings))]
    node$s <- I(enc2utf8(shown))
  }
  node
}

# The values alone (writeBin() takes plain vectors: no dim, no class).
# `dim(x) <- NULL` first: dropping the attributes of a matrix in one go makes
# an ALTREP wrapper that writeBin() writes several times slower.
bare <- function(x) {
  if (!is.null(attributes(x))) {
    dim(x) <- NULL
    attributes(x) <- NULL
  }
  x
}

leaf_bytes <- function(leaf) {
  length(leaf) * if (typeof(leaf) == "double") 8L else 4L
}

# list(header = JSON text, leaves = list of numeric vectors, python = list).
encode_frame <- function(kind, value = NULL, ..., encode_value = TRUE) {
  leaves <- new.env(parent = emptyenv())
  leaves$data <- list()
  leaves$python <- list()
  header <- list(kind = kind, ...)
  if (encode_value) header$value <- encode_node(value, leaves)
  header$sizes <- I(vapply(leaves$data, leaf_bytes, integer(1)))
  list(header = to_json(header), leaves = leaves$data, python = leaves$python)
}

# JSON for the header's small structures: named lists are objects, unnamed
# lists and I()-marked vectors arrays, length-one vectors scalars, NA null.
# (jsonlite::toJSON() costs about 2 ms a batch here; this, about 0.1 ms.)
to_json <- function(x) {
  if (is.null(x)) {
    return("null")
  }
  if (is.list(x)) {
    items <- vapply(x, to_json, character(1), USE.NAMES = FALSE)
    if (is.null(names(x))) {
      return(paste0("[", paste(items, collapse = ","), "]"))
    }
    return(paste0("{", paste0(json_string(names(x)), ":", items, collapse = ","), "}"))
  }
  if (!length(x)) {
    return("[]")
  }
  values <- if (is.character(x)) {
    json_string(x)
  } else if (is.logical(x)) {
    ifelse(x, "true", "false")
  } else {
    as.character(unclass(x))
  }
  values[is.na(x)] <- "null"
  if (inherits(x, "AsIs") || length(x) != 1L) {
    return(paste0("[", paste(values, collapse = ","), "]"))
  }
  values
}

json_string <- function(x) {
  x <- enc2utf8(x)
  if (!any(grepl("[\"\\\\\001-\037]", x))) {
    return(paste0("\"", x, "\""))
  }
  x <- gsub("\\\\", "\\\\\\\\", x)
  x <- gsub("\"", "\\\"", x, fixed = TRUE)
  x <- gsub("[\001-\037]", " ", x)
  paste0("\"", x, "\"")
}

# For this session's core (over reticulate): the leaves as raw vectors,
# which reticulate hands to Python as bytes without NumPy.
encode_for_core <- function(value) {
  frame <- encode_frame("value", value)
  frame$leaves <- lapply(frame$leaves, function(leaf) {
    writeBin(bare(leaf), raw(), size = if (typeof(leaf) == "double") 8L else 4L,
             endian = "little")
  })
  frame
}

# For a worker's socket: header length, header, then each leaf's bytes, in
# one write (small writes in a row would wait on TCP's Nagle algorithm).
write_frame <- function(con, frame) {
  header <- charToRaw(enc2utf8(frame$header))
  pieces <- c(
    list(writeBin(length(header), raw(), size = 4L, endian = "little"), header),
    lapply(frame$leaves, function(leaf) {
      writeBin(bare(leaf), raw(), size = if (typeof(leaf) == "double") 8L else 4L,
               endian = "little")
    })
  )
  writeBin(unlist(pieces, use.names = FALSE), con)
  flush(con)
  invisible(NULL)
}

# Call a user's R function (a generator, a callback hook) and encode what it
# returns; an R error is returned as a record, never raised into Python.
call_encoded <- function(f, ...) {
  value <- tryCatch(f(...), error = function(e) e)
  if (inherits(value, "error")) {
    return(error_record(value))
  }
  frame <- encode_for_core(value)
  frame$ok <- TRUE
  frame
}

error_record <- function(e) {
  call <- conditionCall(e)
  list(ok = FALSE, message = conditionMessage(e),
       call = if (is.null(call)) "" else paste(deparse(call, nlines = 1L), collapse = ""),
       class = I(class(e)))
}
