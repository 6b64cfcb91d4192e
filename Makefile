# A thin layer over Meson: `make` builds build/bento, build/mvrc and the
# default busybox rootfs; `make demo` and `make check` are the README's two
# commands (they also install what is missing).
BUILD ?= build
MESON_OPTS ?=

.PHONY: all demo check clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@$(MAKE) --no-print-directory $(BUILD)/rootfs/bin/busybox

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(BUILD)/rootfs/bin/busybox: scripts/mkrootfs.sh
	scripts/mkrootfs.sh $(BUILD)/rootfs

demo:
	scripts/demo.sh

check:
	tests/run.sh

clean:
	rm -rf build build-asan build-analyzer
