# kfit: `make demo` and `make test` install what is missing, then run.
SHELL := /bin/bash
.DEFAULT_GOAL := demo

VENV := .venv
PY := $(VENV)/bin/python
RLIB := $(CURDIR)/.Rlib
VENV_CRAN := .venv-cran
PY_CRAN := $(VENV_CRAN)/bin/python
RLIB_CRAN := $(CURDIR)/.Rlib-cran
STAMPS := .stamps
LOGS := .logs
# the time of day (UTC) in the '==' lines: where a slow run spent its time
NOW = $$(date -u +%T)
export R_LIBS_USER := $(RLIB)
export KFIT_PYTHON := $(CURDIR)/$(PY)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export KFIT_REQUIRE_CORE := true

APT_PACKAGES := r-base-core r-base-dev r-cran-reticulate r-cran-testthat \
  r-cran-ggplot2 r-cran-vdiffr r-cran-cli r-cran-rlang r-cran-withr \
  r-cran-generics r-cran-roxygen2 r-cran-knitr r-cran-rmarkdown r-cran-jsonlite \
  r-cran-rcpp r-cran-rcpptoml r-cran-here r-cran-png r-cran-rappdirs r-cran-matrix \
  r-cran-magrittr r-cran-zeallot r-cran-fastmap r-cran-glue r-cran-processx \
  r-cran-yaml r-cran-rstudioapi r-cran-lifecycle r-cran-base64enc r-cran-whisker \
  r-cran-tidyselect r-cran-backports r-cran-globals r-cran-callr \
  pandoc chromium nodejs npm

# Two R worlds, each with its own Python: "debian" is Debian's reticulate 1.28
# with .venv (NumPy 1.x); "cran" is reticulate 1.46 and keras3 1.5.1 from a
# CRAN-like repository in .Rlib-cran (masking Debian's reticulate) with
# .venv-cran (NumPy 2). The kfit R package (R and a little C) is installed
# once, in .Rlib, and serves both worlds.
# rtest and rcheck run in every world, one after the other.
WORLDS := debian cran
WORLD_debian := KFIT_R_WORLD=debian R_LIBS_USER=$(RLIB) KFIT_PYTHON=$(CURDIR)/$(PY)
WORLD_cran := KFIT_R_WORLD=cran R_LIBS_USER=$(RLIB_CRAN):$(RLIB) \
  KFIT_PYTHON=$(CURDIR)/$(PY_CRAN) RETICULATE_PYTHON=$(CURDIR)/$(PY_CRAN) \
  RETICULATE_USE_MANAGED_VENV=no
# testthat files a world leaves out: keras3 exists only in "cran", so "debian"
# leaves out the files test-keras3* (a "|"-led alternative of the filter).
# (Debian's testthat 3.1.6 matches the filter against the whole path, not the
# name less "test-": "^keras3" alone would match nothing there.)
RTEST_LEAVE_OUT_debian := |keras3
RTEST_LEAVE_OUT_cran :=

# The cran world's repository: KFIT_CRAN_REPO (a URL or a folder), else
# ../shared/cran beside the project when it is there, else CRAN itself.
SHARED_CRAN := $(abspath $(CURDIR)/../shared/cran)
CRAN_REPO_SRC := $(or $(strip $(KFIT_CRAN_REPO)),$(if $(wildcard $(SHARED_CRAN)/src/contrib/PACKAGES),$(SHARED_CRAN),https://cloud.r-project.org))
CRAN_REPO := $(if $(wildcard $(CRAN_REPO_SRC)/src/contrib/PACKAGES),file://$(abspath $(CRAN_REPO_SRC)),$(CRAN_REPO_SRC))
# A local repository's index: the cran library is reinstalled when it changes.
CRAN_REPO_INDEX := $(wildcard $(patsubst file://%,%,$(CRAN_REPO))/src/contrib/PACKAGES)

RTEST_WORLDS := $(addprefix rtest-,$(WORLDS))
RCHECK_WORLDS := $(addprefix rcheck-,$(WORLDS))

.PHONY: demo test check bench setup lint pytest rtest rcheck clean $(RTEST_WORLDS) $(RCHECK_WORLDS) \
  $(addprefix rtest-shared-,$(WORLDS)) $(addprefix rtest-alone-,$(WORLDS))
# The worlds run one after the other, also under -j (GNU make 4.4 keeps just
# these serial; Debian's make 4.3 then runs everything serially).
.NOTPARALLEL: rtest rcheck

R_SOURCES := $(shell find r_pkg -type f -not -path '*/_snaps/*' -not -name '*.o' -not -name '*.so' 2>/dev/null)

VIEWER := bridge/kfit/viewer

# After the Debian packages, the three slow parts (two pip installs, the cran
# world's R library, which compiles) run side by side, each with its own log
# shown when it ends; then the R package.
SETUP_PARTS := $(STAMPS)/venv $(STAMPS)/venv-cran $(STAMPS)/rlib-cran
setup: $(STAMPS)/apt $(STAMPS)/viewer
	@pids=""; for part in $(SETUP_PARTS); do \
	  if ! $(MAKE) --no-print-directory -q $$part 2>/dev/null; then \
	    mkdir -p $(LOGS); log=$(LOGS)/setup-$$(basename $$part).log; \
	    echo "== $(NOW) setup: $$part (log: $$log)"; \
	    { $(MAKE) --no-print-directory $$part >$$log 2>&1; echo $$? >$$log.status; } & \
	    pids="$$pids $$!"; fi; done; \
	[ -z "$$pids" ] || wait $$pids; status=0; \
	for part in $(SETUP_PARTS); do log=$(LOGS)/setup-$$(basename $$part).log; \
	  [ -f $$log.status ] || continue; cat $$log; \
	  [ "$$(cat $$log.status)" = 0 ] || { echo "== setup: $$part failed"; status=1; }; \
	  rm -f $$log.status; done; exit $$status
	@$(MAKE) --no-print-directory $(STAMPS)/rpkg

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

# The version pins of each world are pip constraints in setup/, not package
# metadata (pyproject.toml states ranges); TensorFlow comes from the [cpu] extra.
$(STAMPS)/venv: pyproject.toml setup/constraints-debian.txt $(STAMPS)/apt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c setup/constraints-debian.txt -e ".[test,rpy2,cpu]"
	@touch $@

# The cran world's Python: kfit with NumPy 2, and every Keras backend
# (TensorFlow, JAX, torch: the batch-ID matrix runs its children here).
$(STAMPS)/venv-cran: pyproject.toml setup/constraints-cran.txt $(STAMPS)/apt
	@test -x $(PY_CRAN) || python3 -m venv $(VENV_CRAN)
	$(PY_CRAN) -m pip install -q --disable-pip-version-check -c setup/constraints-cran.txt -e ".[rpy2,cpu,jax,torch]"
	@touch $@

# The cran world's R library: reticulate and keras3 from $(CRAN_REPO), built afresh
# (minutes: reticulate compiles) when the script or a local repository's index
# changes (another repository: rm .stamps/rlib-cran); after the Debian packages,
# but not again each time the apt stamp is.
$(STAMPS)/rlib-cran: setup/install-cran-world.R $(CRAN_REPO_INDEX) | $(STAMPS)/apt
	R_LIBS_USER=$(RLIB_CRAN) Rscript setup/install-cran-world.R $(RLIB_CRAN) $(CRAN_REPO)
	@touch $@

# The chart library of the live metrics view is checked in under $(VIEWER)/static
# (with its licence and PROVENANCE.md): building kfit needs no npm. This stamp
# checks it against package.json and PROVENANCE.md and regenerates it from npm
# only when it does not match; `make viewer-vendor` regenerates it (commit it).
$(STAMPS)/viewer: $(VIEWER)/package.json $(VIEWER)/package-lock.json $(VIEWER)/vendor.js \
  setup/check_viewer_static.py $(wildcard $(VIEWER)/static/*) | $(STAMPS)/apt
	@python3 setup/check_viewer_static.py $(VIEWER) || { \
	  $(MAKE) --no-print-directory viewer-vendor && python3 setup/check_viewer_static.py $(VIEWER); }
	@mkdir -p $(STAMPS) && touch $@

.PHONY: viewer-vendor
viewer-vendor: | $(STAMPS)/apt
	npm --prefix $(VIEWER) ci --no-audit --no-fund --loglevel=error
	npm --prefix $(VIEWER) run vendor --silent

# The R package, into the project-local library; it records the .venv Python.
$(STAMPS)/rpkg: $(R_SOURCES) $(STAMPS)/venv
	@mkdir -p $(RLIB)
	R CMD INSTALL --no-test-load -l $(RLIB) r_pkg >/dev/null
	@echo "$(CURDIR)/$(PY)" > $(RLIB)/kfit/python-path
	@touch $@

# The R package as users install it, in the same library: built (R CMD build
# knits the four vignettes, which train: about a minute) and installed from
# the tarball, so that vignette(package = "kfit") lists them. `make demo` and
# `make test` do this; `make check` keeps the quick install above, and the
# next `make demo` or `make test` builds again. The tarball stays in
# $(BUILT) for rcheck-debian.
BUILT := $(STAMPS)/built
$(STAMPS)/rpkg-built: $(STAMPS)/rpkg
	@echo "== $(NOW) building the R package with its vignettes (log: $(BUILT)/build.log)"
	@rm -rf $(BUILT) && mkdir -p $(BUILT) && cd $(BUILT) && \
	  { $(WORLD_debian) R CMD build $(CURDIR)/r_pkg >build.log 2>&1 || { cat build.log; exit 1; }; }
	@R CMD INSTALL --no-test-load -l $(RLIB) $(BUILT)/kfit_*.tar.gz >$(BUILT)/install.log 2>&1 \
	  || { cat $(BUILT)/install.log; exit 1; }
	@echo "$(CURDIR)/$(PY)" > $(RLIB)/kfit/python-path
	@touch $@

demo: setup $(STAMPS)/rpkg-built
	Rscript -e 'kfit::kfit_demo(png = "kfit-demo-history.png")'

# ruff, and the core's layers (tests/test_layers.py: no upward import, no
# cycle, no unlisted function-local import).
lint: setup
	$(VENV)/bin/ruff check bridge tests bench
	$(PY) -m pytest -q -p no:cacheprovider tests/test_layers.py

# A developer's inner loop, under a minute: lint, then the tests that train no
# Keras model. Python: every test not marked `trains` (KFIT_CHECK_LANE=1
# fails one that trains unmarked, see tests/conftest.py); R: the files below
# (the R package's own logic: codec, argument table, history methods), in
# the debian world. `make test` runs everything.
RTEST_CHECK := ^(codec|argument-table|history-.*)$$
check: lint
	KFIT_CHECK_LANE=1 $(PY) -m pytest -q -p no:cacheprovider -m "not trains"
	$(WORLD_debian) $(call RTEST_RUN,'$(RTEST_CHECK)')

pytest: setup
	$(PY) -m pytest -q

# The testthat suite in each world (rtest-debian, rtest-cran): the files that
# may share the machine (rtest-shared-*, and rtest-later-*: the files named
# by RTEST_LATER_*, which `make test` runs in its other lane), then those that
# must not (rtest-alone-*: their names match RTEST_ALONE).
RTEST_ALONE := interrupt
# test-worker.R (1.5 min) of the cran world runs after pytest and rcheck: both
# lanes of `make test` then take about as long.
RTEST_LATER_debian :=
RTEST_LATER_cran := worker(\.R)?$$
rtest: $(RTEST_WORLDS)
$(RTEST_WORLDS): rtest-%: rtest-shared-% rtest-later-% rtest-alone-%
RTEST_RUN = NOT_CRAN=true Rscript setup/run-testthat.R $(1)
$(addprefix rtest-shared-,$(WORLDS)): rtest-shared-%: setup
	@echo "== $(NOW) rtest, R world $*"
	$(WORLD_$*) $(call RTEST_RUN,'(^|/test-)($(RTEST_ALONE)$(RTEST_LEAVE_OUT_$*)$(if $(RTEST_LATER_$*),|$(RTEST_LATER_$*)))' invert)
$(addprefix rtest-later-,$(WORLDS)): rtest-later-%: setup
	@if [ -n '$(RTEST_LATER_$*)' ]; then \
	  echo "== $(NOW) rtest, R world $*: files matching '$(RTEST_LATER_$*)'"; \
	  $(WORLD_$*) $(call RTEST_RUN,'(^|/test-)($(RTEST_LATER_$*))'); fi
$(addprefix rtest-alone-,$(WORLDS)): rtest-alone-%: setup
	@echo "== $(NOW) rtest, R world $*: test-$(RTEST_ALONE)*.R, alone on the machine"
	$(WORLD_$*) $(call RTEST_RUN,'(^|/test-)($(RTEST_ALONE))')

# R CMD check of the built tarball in each world (rcheck-debian, rcheck-cran):
# the vignettes are built (they train for real, with the world's Python from
# KFIT_PYTHON; debian checks the tarball $(STAMPS)/rpkg-built made) and their
# code is run again by the check; knitting them a third time (re-building of
# vignette outputs) is left out: R CMD build has just done it, and
# tests/test_vignettes.py checks what they show. Anything but
# "Status: OK" fails, a NOTE too.
# keras3 is in Enhances: missing in the debian world, which is no NOTE with
# _R_CHECK_PACKAGE_DEPENDS_IGNORE_MISSING_ENHANCES_ (a missing Suggests
# always is one). Its tests are the testthat suite that rtest has just run in
# the same world (child Rscripts, minutes): not twice.
rcheck: $(RCHECK_WORLDS)
$(RCHECK_WORLDS): rcheck-%: setup $(STAMPS)/rpkg-built
	@echo "== $(NOW) rcheck, R world $*"
	@export $(WORLD_$*) && d=$$(mktemp -d) && cd $$d && \
	  if [ $* = debian ]; then cp $(CURDIR)/$(BUILT)/kfit_*.tar.gz .; else \
	  { R CMD build $(CURDIR)/r_pkg >build.log 2>&1 || { cat build.log; exit 1; }; }; fi && \
	  NOT_CRAN=true _R_CHECK_FORCE_SUGGESTS_=false \
	  _R_CHECK_PACKAGE_DEPENDS_IGNORE_MISSING_ENHANCES_=true \
	  R CMD check --no-manual --no-tests --no-build-vignettes kfit_*.tar.gz; \
	  status=$$?; grep -E "^(Status|\* checking .*(NOTE|WARNING|ERROR))" kfit.Rcheck/00check.log; \
	  [ $$status -eq 0 ] && grep -qx "Status: OK" kfit.Rcheck/00check.log

# Two lanes side by side (each keeps about one of two cores busy): pytest,
# then R CMD check in each world, then rtest-later-* | the other testthat
# files of both worlds but their Ctrl-C files. Those (timings: "stops within
# 1 s") run afterwards, alone. The first lane's log is shown when it ends.
# Each lane goes on past a failure (-k): one run shows every failure.
test: lint $(STAMPS)/rpkg-built
	@mkdir -p $(LOGS); log=$(LOGS)/pytest-rcheck.log; \
	echo "== $(NOW) pytest, rcheck in each world, then rtest-later-*, beside the R suites (log: $$log)"; \
	{ $(MAKE) -k --no-print-directory pytest rcheck $(addprefix rtest-later-,$(WORLDS)) \
	  >$$log 2>&1; echo $$? >$$log.status; } & \
	lane=$$!; $(MAKE) -k --no-print-directory $(addprefix rtest-shared-,$(WORLDS)); \
	shared=$$?; wait $$lane; echo "== $(NOW) pytest, rcheck and rtest-later-*:"; cat $$log; \
	other=$$(cat $$log.status); rm -f $$log.status; \
	[ $$shared -eq 0 ] && [ $$other -eq 0 ]
	@$(MAKE) --no-print-directory $(addprefix rtest-alone-,$(WORLDS))
	@echo "== $(NOW) make test: all passed"

# Benchmarks print ratios measured side by side; they assert nothing. R
# generators: Python-hosted (rpy2), then R-hosted in each R world present;
# issue 19's table (bench/r_table.R: R generators, R arrays, fixed cost,
# workers scaling, GPU) R-hosted in each world, against keras3 where it is;
# Ctrl-C endings against Keras' own fit().
bench: setup
	$(PY) bench/fit_arrays.py
	$(PY) bench/r_generator.py
	@echo "== bench/r_generator.R, R world debian"
	$(WORLD_debian) Rscript bench/r_generator.R
	@if [ -d $(RLIB_CRAN)/keras3 ] && [ -x $(PY_CRAN) ]; then \
	  echo "== bench/r_generator.R, R world cran"; \
	  $(WORLD_cran) Rscript bench/r_generator.R; \
	else echo "== bench/r_generator.R, R world cran: skipped ($(RLIB_CRAN)/keras3 or $(PY_CRAN) missing)"; fi
	@if [ -d $(RLIB_CRAN)/keras3 ] && [ -x $(PY_CRAN) ]; then \
	  echo "== bench/r_table.R, R world cran (against keras3 itself)"; \
	  $(WORLD_cran) Rscript bench/r_table.R; fi
	@echo "== bench/r_table.R, R world debian (against Keras on the rows in memory)"
	$(WORLD_debian) Rscript bench/r_table.R
	$(PY) bench/worker_transport.py
	$(PY) bench/view_metrics.py
	$(PY) bench/fit_leaks.py
	$(PY) bench/interrupt_stress.py

clean:
	rm -rf $(STAMPS) $(LOGS) $(VENV) $(RLIB) $(VENV_CRAN) $(RLIB_CRAN)
