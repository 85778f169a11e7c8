/* The JSON header of an R value, as encode_node() in R/codec.R writes it,
 * in one pass: R's interpreter spends ~150 us on a small batch, this ~5 us.
 * Returns list(json, leaves, sizes), or NULL for what it does not take
 * (a reticulate Python object, a pairlist, a function...): R/codec.R then
 * encodes the value itself. Both must write the same text. */
#include <stdio.h>
#include <string.h>
#include <R.h>
#include <Rinternals.h>

typedef struct {
  char *data;
  size_t length, capacity;
  SEXP leaves;    /* VECSXP, grown as needed (protected by the caller) */
  R_xlen_t n_leaves;
  PROTECT_INDEX leaves_index;
  double *sizes;
  R_xlen_t sizes_capacity;
  int single;
  R_xlen_t max_strings;
} encoder;

static void put(encoder *e, const char *text, size_t n) {
  if (e->length + n + 1 > e->capacity) {
    size_t capacity = 2 * (e->length + n + 1);
    char *data = R_alloc(capacity, 1);
    memcpy(data, e->data, e->length);
    e->data = data;
    e->capacity = capacity;
  }
  memcpy(e->data + e->length, text, n);
  e->length += n;
}

static void puts_(encoder *e, const char *text) { put(e, text, strlen(text)); }

static void put_number(encoder *e, double value) {
  char buffer[32];
  snprintf(buffer, sizeof buffer, "%.0f", value);
  puts_(e, buffer);
}

/* A JSON string: quotes and backslashes escaped, control characters as
 * spaces (as json_string() in R/codec.R). */
static void put_string(encoder *e, SEXP string) {
  if (string == NA_STRING) {
    puts_(e, "null");
    return;
  }
  const char *s = translateCharUTF8(string);
  put(e, "\"", 1);
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char) *p;
    if (c == '"' || c == '\\') {
      put(e, "\\", 1);
      put(e, p, 1);
    } else if (c >= 1 && c <= 31) {
      put(e, " ", 1);
    } else {
      put(e, p, 1);
    }
  }
  put(e, "\"", 1);
}

static void put_strings(encoder *e, SEXP strings, R_xlen_t n) {
  put(e, "[", 1);
  for (R_xlen_t i = 0; i < n; i++) {
    if (i) put(e, ",", 1);
    put_string(e, STRING_ELT(strings, i));
  }
  put(e, "]", 1);
}

static void add_leaf(encoder *e, SEXP x, double size) {
  if (e->n_leaves == XLENGTH(e->leaves)) {
    R_xlen_t capacity = 2 * e->n_leaves + 4;
    SEXP leaves = allocVector(VECSXP, capacity);
    REPROTECT(leaves, e->leaves_index);
    for (R_xlen_t i = 0; i < e->n_leaves; i++) SET_VECTOR_ELT(leaves, i, VECTOR_ELT(e->leaves, i));
    e->leaves = leaves;
    double *sizes = (double *) R_alloc(capacity, sizeof(double));
    if (e->n_leaves) memcpy(sizes, e->sizes, e->n_leaves * sizeof(double));
    e->sizes = sizes;
  }
  SET_VECTOR_ELT(e->leaves, e->n_leaves, x);
  e->sizes[e->n_leaves] = size;
  e->n_leaves++;
}

/* FALSE when `x` (or something in it) is not for this encoder. */
static int takes(SEXP x) {
  switch (TYPEOF(x)) {
  case NILSXP: return TRUE;
  case LGLSXP: case INTSXP: case REALSXP: case STRSXP:
    return !inherits(x, "python.builtin.object");
  case VECSXP:
    if (inherits(x, "python.builtin.object")) return FALSE;
    for (R_xlen_t i = 0; i < XLENGTH(x); i++) {
      if (!takes(VECTOR_ELT(x, i))) return FALSE;
    }
    return TRUE;
  default: return FALSE;
  }
}

static void encode(encoder *e, SEXP x) {
  if (TYPEOF(x) == NILSXP) {
    puts_(e, "{\"t\":\"null\"}");
    return;
  }
  SEXP classes = getAttrib(x, R_ClassSymbol);
  SEXP names = getAttrib(x, R_NamesSymbol);
  const char *type = type2char(TYPEOF(x));
  if (TYPEOF(x) == VECSXP) type = "list";
  puts_(e, "{\"t\":\"");
  puts_(e, type);
  puts_(e, "\"");
  if (TYPEOF(x) != VECSXP) {
    puts_(e, ",\"n\":");
    put_number(e, (double) XLENGTH(x));
  }
  puts_(e, ",\"class\":");
  if (isNull(classes)) puts_(e, "[]"); else put_strings(e, classes, XLENGTH(classes));
  puts_(e, ",\"names\":");
  if (isNull(names)) puts_(e, "null"); else put_strings(e, names, XLENGTH(names));
  if (TYPEOF(x) == VECSXP) {
    puts_(e, ",\"items\":[");
    for (R_xlen_t i = 0; i < XLENGTH(x); i++) {
      if (i) put(e, ",", 1);
      encode(e, VECTOR_ELT(x, i));
    }
    puts_(e, "]}");
    return;
  }
  SEXP dims = getAttrib(x, R_DimSymbol);
  if (!isNull(dims)) {
    puts_(e, ",\"dim\":[");
    for (R_xlen_t i = 0; i < XLENGTH(dims); i++) {
      if (i) put(e, ",", 1);
      put_number(e, (double) INTEGER(dims)[i]);
    }
    put(e, "]", 1);
  }
  if (TYPEOF(x) == STRSXP) {
    R_xlen_t n = XLENGTH(x) < e->max_strings ? XLENGTH(x) : e->max_strings;
    puts_(e, ",\"s\":");
    put_strings(e, x, n);
    put(e, "}", 1);
    return;
  }
  int single = e->single && TYPEOF(x) == REALSXP;
  double width = TYPEOF(x) == REALSXP && !single ? 8 : 4;
  puts_(e, ",\"b\":");
  put_number(e, (double) e->n_leaves);
  add_leaf(e, x, width * (double) XLENGTH(x));
  if (single) puts_(e, ",\"w\":4");
  /* written row-major by kfit_leaf_bytes() (src/leaf_bytes.c) */
  if (e->single && !isNull(dims) && XLENGTH(dims) >= 2) puts_(e, ",\"o\":\"C\"");
  if (inherits(x, "factor")) {
    SEXP levels = getAttrib(x, R_LevelsSymbol);
    puts_(e, ",\"levels\":");
    if (isNull(levels)) puts_(e, "[]"); else put_strings(e, levels, XLENGTH(levels));
  }
  put(e, "}", 1);
}

SEXP kfit_encode_node(SEXP x, SEXP single, SEXP max_strings) {
  if (!takes(x)) return R_NilValue;
  encoder e = {0};
  e.capacity = 1024;
  e.data = R_alloc(e.capacity, 1);
  e.single = asLogical(single) == TRUE;
  e.max_strings = (R_xlen_t) asReal(max_strings);
  e.sizes = (double *) R_alloc(4, sizeof(double));
  PROTECT_WITH_INDEX(e.leaves = allocVector(VECSXP, 4), &e.leaves_index);
  encode(&e, x);
  SEXP out = PROTECT(allocVector(VECSXP, 3));
  SET_VECTOR_ELT(out, 0, ScalarString(mkCharLenCE(e.data, (int) e.length, CE_UTF8)));
  SEXP leaves = allocVector(VECSXP, e.n_leaves);
  SET_VECTOR_ELT(out, 1, leaves);
  for (R_xlen_t i = 0; i < e.n_leaves; i++) SET_VECTOR_ELT(leaves, i, VECTOR_ELT(e.leaves, i));
  SEXP sizes = allocVector(REALSXP, e.n_leaves);
  SET_VECTOR_ELT(out, 2, sizes);
  if (e.n_leaves) memcpy(REAL(sizes), e.sizes, e.n_leaves * sizeof(double));
  UNPROTECT(2);
  return out;
}
