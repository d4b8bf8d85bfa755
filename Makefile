# Attest: the two commands a newcomer needs are `make run` and `make check`.
BUILDDIR ?= _build
PREFIX   ?= /usr/local
DEMO_DIR  = $(BUILDDIR)/demo-fleet
DEMO_DB   = $(BUILDDIR)/demo.db

.PHONY: all deps build run check bench demo install clean

all: build

deps:
	@./build-aux/install-deps.sh

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR) --prefix=$(PREFIX)

build: deps $(BUILDDIR)/build.ninja
	ninja -C $(BUILDDIR)

# The demo cache is built by the real importers from files in the real
# Azure export formats (data/demo/attest-demo-gen).
$(DEMO_DB): $(BUILDDIR)/data/demo/attest-demo-gen $(BUILDDIR)/src/cli/attest-cli
	rm -rf $(DEMO_DIR) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BUILDDIR)/data/demo/attest-demo-gen $(DEMO_DIR)
	./build-aux/import-demo.sh $(BUILDDIR)/src/cli/attest-cli $(DEMO_DIR) $(DEMO_DB)

demo: build $(DEMO_DB)

run: demo
	GSETTINGS_SCHEMA_DIR=$(BUILDDIR)/data $(BUILDDIR)/src/gui/attest --db $(DEMO_DB)

check: build
	./build-aux/run-tests.sh $(BUILDDIR)

bench: build
	./tests/bench/run-bench.sh $(BUILDDIR)

install: build
	meson install -C $(BUILDDIR) $(if $(DESTDIR),--destdir $(DESTDIR))

clean:
	rm -rf $(BUILDDIR)
