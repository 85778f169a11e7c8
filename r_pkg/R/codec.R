# The one way R values reach kfit's Python core: a JSON header that
# describes the value (types, dims, classes, levels, names) and the raw
# bytes of its numeric vectors. The same frame carries an argument list
# from this session (over reticulate, as raw vectors) and a batch from an R
# worker process (over a socket). Python decodes it without calling R, and
# decides every rule (factors, NA, data frames) itself (kfit/r/codec.py).

# Strings shown to Python for character vectors: enough for argument values
# (`verbose = "auto"`, names) and for messages about character data.
codec_max_strings <- 1000L

# Describe `x` as JSON text; its numeric vectors are appended to `leaves`
# (an environment: `data`, a list, and `sizes`, their byte counts) and
# referenced by index. The text is written here directly, in few calls: a
# worker encodes every batch, and R's cost per call dominates small ones.
encode_node <- function(x, leaves) {
  if (is.null(x)) {
    return("{\"t\":\"null\"}")
  }
  if (inherits(x, "python.builtin.object")) {
    leaves$python[[length(leaves$python) + 1L]] <- x
    return(paste0("{\"t\":\"python\",\"ref\":", length(leaves$python) - 1L, "}"))
  }
  classes <- oldClass(x)
  names <- names(x)
  start <- paste0(
    if (is.null(classes)) ",\"class\":[]" else paste0(",\"class\":", json_strings(classes)),
    if (is.null(names)) ",\"names\":null" else paste0(",\"names\":", json_strings(names))
  )
  if (is.list(x)) { # lists, data frames
    items <- vapply(seq_along(x), function(i) encode_node(x[[i]], leaves), "")
    return(paste0("{\"t\":\"list\"", start, ",\"items\":[",
                  paste(items, collapse = ","), "]}"))
  }
  type <- typeof(x)
  dims <- dim(x)
  dim_text <- if (is.null(dims)) "" else paste0(",\"dim\":[", paste(dims, collapse = ","), "]")
  if (type == "double" || type == "integer" || type == "logical") {
    index <- length(leaves$data)
    leaves$data[[index + 1L]] <- x
    single <- leaves$single && type == "double"
    leaves$sizes[[index + 1L]] <- length(x) * as.double(leaf_width(x, leaves$single))
    return(paste0("{\"t\":\"", type, "\",\"n\":", length(x), start, dim_text,
                  ",\"b\":", index, if (single) ",\"w\":4",
                  if (leaves$single && length(dims) >= 2L) ",\"o\":\"C\"",
                  if (is.factor(x)) paste0(",\"levels\":", json_strings(levels(x))),
                  "}"))
  }
  strings <- if (type == "character") {
    paste0(",\"s\":", json_strings(x[seq_len(min(length(x), codec_max_strings))]))
  }
  paste0("{\"t\":\"", type, "\",\"n\":", length(x), start, dim_text, strings, "}")
}

# A JSON array of strings (NA as null).
json_strings <- function(x) {
  if (!length(x)) {
    return("[]")
  }
  values <- json_string(as.character(x))
  values[is.na(x)] <- "null"
  paste0("[", paste(values, collapse = ","), "]")
}

# The bytes of a leaf, little-endian, doubles as 4-byte floats when
# `single` (src/leaf_bytes.c: one pass over the vector, dim and all), in
# `buffer` when it has the right size. With `single`, a matrix or array is
# written in row-major order (the header says "o":"C"). On a big-endian
# host, writeBin() of the bare values (which copies them).
leaf_raw <- function(leaf, single, buffer = NULL) {
  if (.Platform$endian == "little") {
    return(.Call(kfit_leaf_bytes, leaf, single, buffer))
  }
  if (single && length(dim(leaf)) >= 2L) leaf <- aperm(leaf)
  values <- if (is.double(leaf)) as.double(leaf) else as.integer(leaf)
  writeBin(values, raw(), size = leaf_width(leaf, single), endian = "little")
}

# Bytes per value of a leaf: 8 for doubles, 4 for integers and logicals, and
# 4 for doubles sent in single precision.
leaf_width <- function(leaf, single) {
  if (typeof(leaf) == "double" && !single) 8L else 4L
}

# list(header = JSON text, leaves = list of numeric vectors, single, python =
# list). `single = TRUE` (batches for training) sends doubles as 4-byte
# floats: Keras trains in float32 and the core converts batches to float32
# anyway, so half the bytes carry the same values (R's NA and NaN both
# arrive as NaN).
encode_frame <- function(kind, value = NULL, ..., encode_value = TRUE,
                         single = FALSE) {
  leaves <- new.env(parent = emptyenv())
  leaves$data <- list()
  leaves$python <- list()
  leaves$single <- single
  leaves$sizes <- numeric()
  fields <- if (...length()) to_json(list(kind = kind, ...)) else paste0("{\"kind\":\"", kind, "\"}")
  node <- ""
  if (encode_value) {
    # src/encode_node.c writes the same text as encode_node(), in C; NULL
    # for values it leaves to R (Python objects, functions, pairlists).
    fast <- .Call(kfit_encode_node, value, single, codec_max_strings)
    if (is.null(fast)) {
      node <- encode_node(value, leaves)
    } else {
      node <- fast[[1L]]
      leaves$data <- fast[[2L]]
      leaves$sizes <- fast[[3L]]
    }
    node <- paste0(",\"value\":", node)
  }
  header <- paste0(substr(fields, 1L, nchar(fields) - 1L), node, ",\"sizes\":[",
                   paste(sprintf("%.0f", leaves$sizes), collapse = ","), "]}")
  list(header = header, leaves = leaves$data, single = single,
       python = leaves$python)
}

# JSON for a frame's own fields (kind, error records): named lists are
# objects, unnamed lists and I()-marked vectors arrays, length-one vectors
# scalars, NA null. (jsonlite::toJSON() costs about 2 ms a batch here.)
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

# For this session's core: the leaves as raw vectors (rpy2 takes them as
# bytes). With `arrays = TRUE` (reticulate), a large plain double or integer
# matrix or array goes as it is: reticulate hands Python a NumPy view of R's
# memory (no copy; a raw vector costs a copy here and another into Python
# bytes, 0.27 s for a 125 MB matrix). reticulate makes lists of vectors
# without dim and converts classed or named ones its own way: those leaves go
# as raw vectors.
encode_for_core <- function(value, arrays = FALSE) {
  frame <- encode_frame("value", value)
  frame$leaves <- lapply(frame$leaves, function(leaf) {
    if (arrays && shared_leaf(leaf)) leaf else leaf_raw(leaf, single = FALSE)
  })
  frame
}

shared_leaf <- function(leaf) {
  (is.double(leaf) || is.integer(leaf)) && length(leaf) >= 1024L &&
    !is.null(dim(leaf)) && is.null(attr(leaf, "class", exact = TRUE)) &&
    is.null(names(leaf))
}

# For a worker's socket (TCP_NODELAY, see worker_main()): the header's
# length, the header and the leaves' bytes, small pieces joined into one
# write (one packet, one wake-up of the reader), large leaves written
# straight from a buffer kept in `buffers` (an environment, one buffer per
# leaf size) and reused for every frame: a large leaf is written before the
# next one can refill its buffer.
write_frame <- function(con, frame, buffers = NULL) {
  header <- charToRaw(enc2utf8(frame$header))
  pending <- list(writeBin(length(header), raw(), size = 4L, endian = "little"), header)
  for (leaf in frame$leaves) {
    size <- length(leaf) * leaf_width(leaf, frame$single)
    if (size < 65536) {
      pending[[length(pending) + 1L]] <- leaf_raw(leaf, frame$single)
      next
    }
    if (length(pending)) writeBin(unlist(pending, use.names = FALSE), con)
    pending <- list()
    if (is.null(buffers)) {
      writeBin(leaf_raw(leaf, frame$single), con)
      next
    }
    key <- paste(typeof(leaf), size)
    if (is.null(buffers[[key]]) && length(buffers) >= 16L) {
      rm(list = ls(buffers), envir = buffers)
    }
    buffers[[key]] <- leaf_raw(leaf, frame$single, buffers[[key]])
    writeBin(buffers[[key]], con)
  }
  if (length(pending)) writeBin(unlist(pending, use.names = FALSE), con)
  flush(con)
  invisible(NULL)
}

# Call a user's R function (a generator, a callback hook) and encode what it
# returns; an R error or a Ctrl-C (the core gives R its own SIGINT handler
# while this runs) is returned as a record, never raised into Python.
call_encoded <- function(f, ..., arrays = FALSE) {
  tryCatch({
    value <- tryCatch(f(...), error = function(e) e)
    if (inherits(value, "error")) {
      return(error_record(value))
    }
    frame <- encode_for_core(value, arrays = arrays)
    frame$ok <- TRUE
    frame
  }, interrupt = function(i) list(ok = FALSE, interrupted = TRUE))
}

error_record <- function(e) {
  call <- conditionCall(e)
  list(ok = FALSE, message = conditionMessage(e),
       call = if (is.null(call)) "" else paste(deparse(call, nlines = 1L), collapse = ""),
       class = I(class(e)))
}
