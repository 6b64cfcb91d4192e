# A thin layer over Meson: `make` builds build/bento, build/mvrc, the
# default busybox rootfs and the default image (build/images/busybox.tar); `make demo` and `make check` are the README's two
# commands (they also install what is missing).
BUILD ?= build
MESON_OPTS ?=

.PHONY: all demo check clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@$(MAKE) --no-print-directory $(BUILD)/rootfs/bin/busybox $(BUILD)/images/busybox.tar

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(BUILD)/rootfs/bin/busybox: scripts/mkrootfs.sh
	scripts/mkrootfs.sh $(BUILD)/rootfs

$(BUILD)/images/busybox.tar: $(BUILD)/rootfs/bin/busybox scripts/mkimage.sh
	scripts/mkimage.sh $(BUILD)/rootfs $(BUILD)/images/busybox.tar

demo:
	scripts/demo.sh

check:
	tests/run.sh

clean:
	rm -rf build build-asan build-analyzer
