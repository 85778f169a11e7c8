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
# (an environment holding a list) and referenced by index. The text is
# written here directly (no intermediate list for to_json()): a worker
# encodes every batch, and this is a tenth of the cost.
encode_node <- function(x, leaves) {
  if (is.null(x)) {
    return("{\"t\":\"null\"}")
  }
  if (inherits(x, "python.builtin.object")) {
    leaves$python[[length(leaves$python) + 1L]] <- x
    return(paste0("{\"t\":\"python\",\"ref\":", length(leaves$python) - 1L, "}"))
  }
  start <- paste0(",\"class\":", json_strings(oldClass(x)),
                  ",\"names\":", json_strings(names(x), null = TRUE))
  if (is.list(x)) { # lists, data frames
    items <- vapply(seq_along(x), function(i) encode_node(x[[i]], leaves), "")
    return(paste0("{\"t\":\"list\"", start, ",\"items\":[",
                  paste(items, collapse = ","), "]}"))
  }
  type <- typeof(x)
  node <- paste0("{\"t\":\"", type, "\",\"n\":", length(x), start)
  dims <- dim(x)
  if (!is.null(dims)) node <- paste0(node, ",\"dim\":[", paste(dims, collapse = ","), "]")
  if (type %in% c("double", "integer", "logical")) {
    leaves$data[[length(leaves$data) + 1L]] <- x
    node <- paste0(node, ",\"b\":", length(leaves$data) - 1L)
    if (leaves$single && type == "double") node <- paste0(node, ",\"w\":4")
    if (is.factor(x)) node <- paste0(node, ",\"levels\":", json_strings(levels(x)))
  } else if (type == "character") {
    shown <- x[seq_len(min(length(x), codec_max_strings))]
    node <- paste0(node, ",\"s\":", json_strings(shown))
  }
  paste0(node, "}")
}

# A JSON array of strings (NA as null); NULL is [] (or null).
json_strings <- function(x, null = FALSE) {
  if (is.null(x)) {
    return(if (null) "null" else "[]")
  }
  values <- json_string(as.character(x))
  values[is.na(x)] <- "null"
  paste0("[", paste(values, collapse = ","), "]")
}

# The bytes of a leaf, little-endian, doubles as 4-byte floats when
# `single` (src/leaf_bytes.c: one pass over the vector, dim and all), in
# `buffer` when it has the right size. On a big-endian host, writeBin() of
# the bare values (which copies them).
leaf_raw <- function(leaf, single, buffer = NULL) {
  if (.Platform$endian == "little") {
    return(.Call(kfit_leaf_bytes, leaf, single, buffer))
  }
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
  fields <- to_json(list(kind = kind, ...))
  node <- if (encode_value) paste0(",\"value\":", encode_node(value, leaves)) else ""
  widths <- vapply(leaves$data, leaf_width, integer(1), single = single)
  sizes <- format(lengths(leaves$data) * as.double(widths), scientific = FALSE,
                  trim = TRUE)
  header <- paste0(substr(fields, 1L, nchar(fields) - 1L), node,
                   ",\"sizes\":[", paste(sizes, collapse = ","), "]}")
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

# For this session's core (over reticulate): the leaves as raw vectors,
# which reticulate hands to Python as bytes without NumPy.
encode_for_core <- function(value) {
  frame <- encode_frame("value", value)
  frame$leaves <- lapply(frame$leaves, leaf_raw, single = FALSE, buffer = NULL)
  frame
}

# For a worker's socket (TCP_NODELAY, see worker_main()): header length and
# header in one write, then the bytes of each leaf, made in buffers kept in
# `buffers` (an environment; one per leaf size) and reused for every frame.
write_frame <- function(con, frame, buffers = NULL) {
  header <- charToRaw(enc2utf8(frame$header))
  writeBin(c(writeBin(length(header), raw(), size = 4L, endian = "little"), header),
           con)
  for (leaf in frame$leaves) {
    if (is.null(buffers)) {
      writeBin(leaf_raw(leaf, frame$single), con)
      next
    }
    key <- paste(typeof(leaf), length(leaf), frame$single)
    if (is.null(buffers[[key]]) && length(buffers) >= 16L) {
      rm(list = ls(buffers), envir = buffers)
    }
    buffers[[key]] <- leaf_raw(leaf, frame$single, buffers[[key]])
    writeBin(buffers[[key]], con)
  }
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
