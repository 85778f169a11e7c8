/* The values of an R numeric vector as raw bytes, for kfit's codec
 * (R/codec.R). One pass over the vector's memory, whatever its attributes:
 * dropping a matrix's dim in R first makes a copy or an ALTREP wrapper, and
 * writeBin() of a wrapper costs several milliseconds per 100,000 doubles.
 * Doubles may be narrowed to 4-byte floats (batches for training). The
 * bytes are the host's order; R/codec.R uses this only on little-endian
 * hosts.
 *
 * `buffer`: a raw vector of the caller's, filled in place and returned when
 * it has exactly the size needed (an R worker writes every batch through
 * one: a fresh 400 KB vector per batch costs more in allocation than the
 * copy itself); anything else (NULL) gets a new vector. */
#include <string.h>
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

static SEXP output(SEXP buffer, R_xlen_t size) {
  if (TYPEOF(buffer) == RAWSXP && XLENGTH(buffer) == size) return buffer;
  return allocVector(RAWSXP, size);
}

SEXP kfit_leaf_bytes(SEXP x, SEXP single, SEXP buffer) {
  R_xlen_t n = XLENGTH(x);
  SEXP out;
  switch (TYPEOF(x)) {
  case REALSXP:
    if (asLogical(single) == TRUE) {
      out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(float)));
      const double *from = REAL_RO(x);
      float *to = (float *) RAW(out);
      for (R_xlen_t i = 0; i < n; i++) to[i] = (float) from[i];
    } else {
      out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(double)));
      if (n) memcpy(RAW(out), REAL_RO(x), n * sizeof(double));
    }
    break;
  case INTSXP:
    out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(int)));
    if (n) memcpy(RAW(out), INTEGER_RO(x), n * sizeof(int));
    break;
  case LGLSXP:
    out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(int)));
    if (n) memcpy(RAW(out), LOGICAL_RO(x), n * sizeof(int));
    break;
  default:
    error("kfit_leaf_bytes: `x` must be a double, integer or logical vector, "
          "not of type %s", type2char(TYPEOF(x)));
  }
  UNPROTECT(1);
  return out;
}

SEXP kfit_encode_node(SEXP x, SEXP single, SEXP max_strings);

static const R_CallMethodDef calls[] = {
  {"kfit_leaf_bytes", (DL_FUNC) &kfit_leaf_bytes, 3},
  {"kfit_encode_node", (DL_FUNC) &kfit_encode_node, 3},
  {NULL, NULL, 0}
};

void R_init_kfit(DllInfo *dll) {
  R_registerRoutines(dll, NULL, calls, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
}
