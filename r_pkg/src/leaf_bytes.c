/* The values of an R numeric vector as raw bytes, for kfit's codec
 * (R/codec.R). One pass over the vector's memory, whatever its attributes:
 * dropping a matrix's dim in R first makes a copy or an ALTREP wrapper, and
 * writeBin() of a wrapper costs several milliseconds per 100,000 doubles.
 * Doubles may be narrowed to 4-byte floats (batches for training), and then
 * a matrix or array (2 or more dims) is written in row-major order, the
 * order NumPy and Keras use, so the core takes the bytes as they are (the
 * header says so: "o":"C"). The bytes are the host's order; R/codec.R uses
 * this only on little-endian hosts.
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

/* Row-major order of an R array (column-major) with `rank` dims `dims`:
 * the last index runs fastest in `to`, the first in `from`. */
#define ROW_MAJOR(NAME, FROM, TO)                                              \
  static void NAME(const FROM *from, TO *to, const int *dims, int rank) {      \
    if (rank == 2) {                                                           \
      R_xlen_t rows = dims[0], cols = dims[1];                                 \
      for (R_xlen_t i = 0; i < rows; i++) {                                    \
        const FROM *row = from + i;                                            \
        for (R_xlen_t j = 0; j < cols; j++) to[i * cols + j] = (TO) row[j * rows]; \
      }                                                                        \
      return;                                                                  \
    }                                                                          \
    R_xlen_t stride[rank], index[rank], n = 1;                                 \
    for (int k = 0; k < rank; k++) {                                           \
      stride[k] = n;                                                           \
      n *= dims[k];                                                            \
      index[k] = 0;                                                            \
    }                                                                          \
    R_xlen_t at = 0;                                                           \
    for (R_xlen_t out = 0; out < n; out++) {                                   \
      to[out] = (TO) from[at];                                                 \
      for (int k = rank - 1; k >= 0; k--) {                                    \
        if (++index[k] < dims[k]) {                                            \
          at += stride[k];                                                     \
          break;                                                               \
        }                                                                      \
        at -= stride[k] * (dims[k] - 1);                                       \
        index[k] = 0;                                                          \
      }                                                                        \
    }                                                                          \
  }

ROW_MAJOR(doubles_to_floats, double, float)
ROW_MAJOR(ints_to_ints, int, int)

SEXP kfit_leaf_bytes(SEXP x, SEXP single, SEXP buffer) {
  R_xlen_t n = XLENGTH(x);
  int narrow = asLogical(single) == TRUE;
  SEXP dims = getAttrib(x, R_DimSymbol);
  int rank = narrow && !isNull(dims) && XLENGTH(dims) >= 2 ? (int) XLENGTH(dims) : 0;
  SEXP out;
  switch (TYPEOF(x)) {
  case REALSXP:
    if (narrow) {
      out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(float)));
      const double *from = REAL_RO(x);
      float *to = (float *) RAW(out);
      if (rank && n) {
        doubles_to_floats(from, to, INTEGER(dims), rank);
      } else {
        for (R_xlen_t i = 0; i < n; i++) to[i] = (float) from[i];
      }
    } else {
      out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(double)));
      if (n) memcpy(RAW(out), REAL_RO(x), n * sizeof(double));
    }
    break;
  case INTSXP:
  case LGLSXP:
    out = PROTECT(output(buffer, n * (R_xlen_t) sizeof(int)));
    if (rank && n) {
      ints_to_ints(TYPEOF(x) == INTSXP ? INTEGER_RO(x) : LOGICAL_RO(x), (int *) RAW(out),
                   INTEGER(dims), rank);
    } else if (n) {
      memcpy(RAW(out), TYPEOF(x) == INTSXP ? INTEGER_RO(x) : LOGICAL_RO(x), n * sizeof(int));
    }
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
