# kfit: `make demo` and `make test` install what is missing, then run.
SHELL := /bin/bash
.DEFAULT_GOAL := demo

VENV := .venv
PY := $(VENV)/bin/python
RLIB := $(CURDIR)/.Rlib
STAMPS := .stamps
export R_LIBS_USER := $(RLIB)
export KFIT_PYTHON := $(CURDIR)/$(PY)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export KFIT_REQUIRE_CORE := true

APT_PACKAGES := r-base-core r-base-dev r-cran-reticulate r-cran-testthat \
  r-cran-ggplot2 r-cran-vdiffr r-cran-cli r-cran-rlang r-cran-withr \
  r-cran-generics r-cran-roxygen2 r-cran-knitr r-cran-rmarkdown r-cran-jsonlite \
  pandoc chromium nodejs npm

.PHONY: demo test bench setup lint pytest rtest rcheck clean

R_SOURCES := $(shell find r_pkg -type f -not -path '*/_snaps/*' 2>/dev/null)

VIEWER := bridge/kfit/viewer

setup: $(STAMPS)/apt $(STAMPS)/venv $(STAMPS)/viewer $(STAMPS)/rpkg

# Debian packages (R first: rpy2 builds against the R it finds).
$(STAMPS)/apt: Makefile
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	    || { [ $$p = npm ] && command -v npm >/dev/null; } \
	    || { [ $$p = nodejs ] && command -v node >/dev/null; } \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: pyproject.toml $(STAMPS)/apt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

# The chart library of the live metrics view, from npm, copied into the package.
$(STAMPS)/viewer: $(VIEWER)/package.json $(VIEWER)/package-lock.json $(VIEWER)/vendor.js $(STAMPS)/apt
	npm --prefix $(VIEWER) ci --no-audit --no-fund --loglevel=error
	npm --prefix $(VIEWER) run vendor --silent
	@touch $@

# The R package, into the project-local library; it records the .venv Python.
$(STAMPS)/rpkg: $(R_SOURCES) $(STAMPS)/venv
	@mkdir -p $(RLIB)
	R CMD INSTALL --no-test-load -l $(RLIB) r_pkg >/dev/null
	@echo "$(CURDIR)/$(PY)" > $(RLIB)/kfit/python-path
	@touch $@

demo: setup
	Rscript -e 'kfit::kfit_demo(png = "kfit-demo-history.png")'

lint: setup
	$(VENV)/bin/ruff check bridge tests bench

pytest: setup
	$(PY) -m pytest -q

rtest: setup
	NOT_CRAN=true Rscript -e 'testthat::test_dir("r_pkg/tests/testthat", package = "kfit", load_package = "installed", stop_on_failure = TRUE)'

# R CMD check of the built tarball: no ERROR and no WARNING allowed.
rcheck: setup
	@d=$$(mktemp -d) && cd $$d && R CMD build --no-build-vignettes $(CURDIR)/r_pkg >/dev/null && \
	  NOT_CRAN=true _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual --no-build-vignettes kfit_*.tar.gz; \
	  status=$$?; grep -E "^(Status|\* checking .*(NOTE|WARNING|ERROR))" kfit.Rcheck/00check.log; \
	  [ $$status -eq 0 ] && ! grep -qE "^Status: .*(ERROR|WARNING)" kfit.Rcheck/00check.log

test: lint pytest rtest rcheck

bench: setup
	$(PY) bench/fit_arrays.py
	$(PY) bench/r_generator.py
	$(PY) bench/view_metrics.py

clean:
	rm -rf $(STAMPS) $(VENV) $(RLIB)
