# tlbrace — build, boot and test the kernel. See README.md.
ARCH ?= amd64
GO   ?= go
BUILD := build/$(ARCH)
KERNEL := $(BUILD)/kernel.elf

# Multiboot v1 header for the 386 image (Multiboot 0.6.96 §3.1.1), written
# by the linker as the payload of the build-id note in the first page:
# magic 0x1BADB002, flags 0x3 (page-align modules, want memory info),
# checksum -(magic+flags) = 0xE4524FFB; little-endian bytes.
MB386 := 0x02b0ad1b03000000fb4f52e4

LDFLAGS_386   := -E main.rt0 -T 0x101000 -B $(MB386)
LDFLAGS_amd64 := -E main.rt0 -T 0x101000

.PHONY: build qemu test clean deps
build: $(KERNEL)

$(KERNEL): FORCE
	@mkdir -p $(BUILD)
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) $(GO) build -o $@ -ldflags '$(LDFLAGS_$(ARCH))' ./boot

qemu: build
	./qemu.sh -a $(ARCH) -- $(CMDLINE)

clean:
	rm -rf build

FORCE:
