# driftscope: `make demo` and `make test` do all the set-up on a fresh Debian machine.
SWIFT ?= swift
# Build needs: the C libraries driftscope links. Test/demo needs: bsdtar (interop checks), skopeo
# (digest cross-checks), umoci (drift fixture), chromium (HTML DOM check and screenshot).
BUILD_PKGS := libarchive-dev libssl-dev libsqlite3-dev pkg-config
TEST_PKGS := libarchive-tools skopeo umoci chromium fonts-dejavu-core zstd
BENCH_PKGS := time pigz

.PHONY: deps deps-build build test demo bench clean

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make: installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_PKGS))

deps: deps-build
	$(call apt_install,$(TEST_PKGS))

build: deps-build
	$(SWIFT) build

test: deps
	$(SWIFT) build
	$(SWIFT) test --disable-xctest
	scripts/html-dom-check.sh

demo: deps
	scripts/demo.sh

bench: deps
	$(call apt_install,$(BENCH_PKGS))
	scripts/bench.sh

clean:
	rm -rf .build bench-data
