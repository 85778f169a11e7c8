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

APT_PACKAGES := r-base-core r-base-dev r-cran-reticulate r-cran-testthat \
  r-cran-ggplot2 r-cran-vdiffr r-cran-cli r-cran-rlang r-cran-withr \
  r-cran-generics r-cran-roxygen2 r-cran-knitr r-cran-rmarkdown r-cran-jsonlite \
  pandoc chromium nodejs npm

.PHONY: demo test bench setup lint pytest rtest rcheck clean

setup: $(STAMPS)/apt $(STAMPS)/venv

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

demo: setup
	$(PY) -m kfit.demo

lint: setup
	$(VENV)/bin/ruff check bridge tests bench

pytest: setup
	$(PY) -m pytest -q

test: lint pytest

bench: setup
	$(PY) bench/fit_arrays.py
	$(PY) bench/r_generator.py

clean:
	rm -rf $(STAMPS) $(VENV) $(RLIB)
