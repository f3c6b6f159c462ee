# ttnn.layernorm_fused_rm — developer entry points.
#   make demo    all-MiniLM-L6-v2, then Whisper tiny.en, with their LayerNorms on ttnn.layernorm_fused_rm
#   make test    the staged gates in test_dev/ (stage1 .. stage7, then the other tests)
#   make clean   remove build artefacts (keeps the venv)
# The venv is created on first use with Python 3.12 (ttnn 0.81.1 has cp310/cp312 wheels only).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
VENV_PY := $(VENV)/bin/python
PIP := $(VENV_PY) -m pip
export PIP_NO_INPUT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Python 3.12 interpreter used to create the venv: `python3.12` on PATH, else pyenv's
# $(pyenv root)/versions/3.12*/bin/python3.12 (newest first; $PYENV_ROOT or ~/.pyenv when the
# pyenv command is not on PATH). Each candidate is run, because a pyenv shim can be on PATH yet
# refuse to run when 3.12 is not the selected version.
FIND_PYTHON312 = for c in $$(command -v python3.12 2>/dev/null) \
    $$(ls -1d "$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}")"/versions/3.12*/bin/python3.12 2>/dev/null | sort -rV); do \
  if "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; \
done
PYTHON312 ?= $(shell $(FIND_PYTHON312))

# What the installed extension is built from: reinstall the project when any of it changes.
PROJECT_SOURCES := $(shell find cpp python -type f -not -path '*/__pycache__/*' 2>/dev/null) \
                   $(wildcard CMakeLists.txt pyproject.toml)

DEPS_STAMP := $(VENV)/.installed
PROJECT_STAMP := $(VENV)/.project-installed

.PHONY: help setup conformance-deps demo-deps demo test clean

help:
	@echo "make demo    run all-MiniLM-L6-v2 with every LayerNorm on ttnn.layernorm_fused_rm"
	@echo "make test    run the staged gates in test_dev/"
	@echo "make setup   create $(VENV) (Python 3.12), install requirements-dev.txt and the project;"
	@echo "             as root, apt-get install the kernel conformance toolchain ($(CONFORMANCE_DEBS))"
	@echo "             and the Whisper demo's speech synthesiser ($(DEMO_DEBS))"
	@echo "make clean   remove build artefacts and the project stamp (keeps $(VENV))"

# Third-party packages. Re-run when requirements-dev.txt changes.
$(DEPS_STAMP): requirements-dev.txt
	@if [ ! -x "$(VENV_PY)" ]; then \
	  py="$(PYTHON312)"; \
	  if [ -z "$$py" ]; then \
	    echo "error: no Python 3.12 found (tried python3.12 on PATH and \$$(pyenv root)/versions/3.12*/bin/python3.12)." >&2; \
	    echo "       ttnn 0.81.1 needs CPython 3.10 or 3.12. Install 3.12 (e.g. 'pyenv install 3.12') or pass PYTHON312=/path/to/python3.12." >&2; \
	    exit 1; \
	  fi; \
	  echo "creating $(VENV) with $$py"; \
	  "$$py" -m venv "$(VENV)"; \
	fi
	@"$(VENV_PY)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' || { \
	  echo "error: $(VENV) is not a Python 3.12 venv ($$("$(VENV_PY)" -V 2>&1)); remove it or set VENV=..." >&2; exit 1; }
	$(PIP) install --upgrade pip
	$(PIP) install -r requirements-dev.txt
	@touch "$@"

# The project itself (C++ core + nanobind extension + Python package). Re-run when its sources change.
$(PROJECT_STAMP): $(DEPS_STAMP) $(PROJECT_SOURCES)
	$(PIP) install --no-build-isolation .
	@touch "$@"

# Debian packages for the kernel conformance check (tools/kernel_conformance, test_dev/device/test_kernel_conformance.py):
# clang 19 (riscv32 target), newlib's C headers and arm-none-eabi libstdc++ headers for the C++ standard library.
# Debian 12 (bookworm) has all three in main. Idempotent: nothing happens when they are present. Installs only as
# root with apt-get; anywhere else it prints what to install and does not fail, so `make test` still runs (the
# conformance tests then skip, except under CI=true, where a missing toolchain fails them).
CONFORMANCE_DEBS ?= clang-19 libnewlib-dev libstdc++-arm-none-eabi-dev
CONFORMANCE_PRESENT = command -v clang++-19 >/dev/null 2>&1 && test -f /usr/include/newlib/stdint.h && \
  ls /usr/include/newlib/c++/*/arm-none-eabi/bits/c++config.h >/dev/null 2>&1

# $(call apt_install,PRESENT-TEST,PACKAGES,WHAT FOR,WHAT FOLLOWS WITHOUT THEM): a recipe that does nothing when the
# shell test PRESENT-TEST succeeds, else installs PACKAGES as root with apt-get (updating the lists once if the
# first try fails), else prints what to install. It never fails the make.
apt_install = @if $(1); then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian packages for $(3): $(2)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y --no-install-recommends $(2) >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $(2); } || \
	    echo "warning: could not install $(2); $(4)" >&2; \
	else \
	  echo "note: $(3) needs Debian packages $(2) (not root or no apt-get: not installed); $(4)" >&2; \
	fi

conformance-deps:
	$(call apt_install,$(CONFORMANCE_PRESENT),$(CONFORMANCE_DEBS),the kernel conformance check,its tests will skip (fail under CI))

# Debian package for the Whisper demo (python/layernorm_fused_rm/whisper_demo.py): espeak-ng synthesises the
# speech it transcribes. Idempotent and root-only like conformance-deps; without it the Whisper demo stops with
# a message naming the package, and its tests skip (fail under CI).
DEMO_DEBS ?= espeak-ng

demo-deps:
	$(call apt_install,command -v espeak-ng >/dev/null 2>&1,$(DEMO_DEBS),the Whisper demo,the Whisper demo cannot run and its tests will skip (fail under CI))

setup: $(PROJECT_STAMP) conformance-deps demo-deps

demo: setup
	$(VENV_PY) -m layernorm_fused_rm demo
	$(VENV_PY) -m layernorm_fused_rm demo --model whisper-tiny-en

# test_dev/conftest.py runs test_stage1_* .. test_stage7_* first, in stage order, then the rest.
test: setup
	$(VENV_PY) -m pytest test_dev -q

clean:
	rm -rf build _skbuild dist .pytest_cache .hypothesis "$(PROJECT_STAMP)"
	rm -rf *.egg-info python/*.egg-info
	find cpp python test_dev -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
