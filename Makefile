# Skiff — the two commands:
#   make run     build everything and run a Linux program on Skiff
#   make check   host tests, the kernel cross build, and guest tests that boot Skiff in QEMU
#
# Everything the build needs from Debian is installed with apt-get when missing (run as root);
# Swift 6.3 is expected at /opt/swift (override with SWIFT_ROOT).

SWIFT_ROOT ?= /opt/swift
export PATH := $(SWIFT_ROOT)/usr/bin:$(PATH)
SWIFT ?= swift
BUILD := build
KERNEL := $(BUILD)/skiff-kernel.elf
KERNEL_LINKED := .build/x86_64-unknown-none-elf/release/Kernel
HOST_BIN := .build/debug
SKIFF := $(HOST_BIN)/skiff
GUEST_TESTS := $(HOST_BIN)/skiff-guest-tests
SKIFF_BENCH := $(HOST_BIN)/skiff-bench
JOBS ?= 2

# Debian packages: command (or absolute path, or glob) -> package. The Linux kernel is the guest
# `make bench` compares Skiff with; wrk loads its HTTP server and ip makes its tap network.
APT_PACKAGES := qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils musl-gcc:musl-tools gcc:gcc \
  busybox:busybox-static ps:procps python3:python3-minimal sqlite3:sqlite3 perl:perl-base /usr/lib/python3.11/json/__init__.py:libpython3.11-stdlib \
  /boot/vmlinuz-*:linux-image-amd64 mke2fs:e2fsprogs \
  lua5.4:lua5.4 redis-server:redis-server redis-cli:redis-tools memcached:memcached /usr/sbin/nginx:nginx-light \
  curl:curl wrk:wrk /usr/sbin/ip:iproute2 java:openjdk-17-jre-headless javac:openjdk-17-jdk-headless gdb:gdb
# Only for the plots of a full `make bench`.
BENCH_APT_PACKAGES := /usr/lib/python3/dist-packages/matplotlib/__init__.py:python3-matplotlib

.PHONY: all deps bench-deps kernel host run check test-host test-guest guest-programs soak clean bench bench-programs fuzz fuzz-build

# Guest test programs: C sources built three ways (musl static, musl static-pie, glibc dynamic).
GUEST_SOURCES := $(wildcard GuestTests/programs/*.c)
GUEST_NAMES := $(basename $(notdir $(GUEST_SOURCES)))
GUEST_BINARIES := $(foreach n,$(GUEST_NAMES),$(BUILD)/guest/$(n)-static $(BUILD)/guest/$(n)-static-pie $(BUILD)/guest/$(n)-dynamic)
GUEST_CFLAGS := -O2 -g -fno-omit-frame-pointer -Wall -Wno-unused-result
GUEST_APPS := $(BUILD)/guest/hello-hummingbird $(BUILD)/guest/hello.jar

all: kernel host guest-programs

guest-programs: $(GUEST_BINARIES) $(GUEST_APPS)

$(BUILD)/guest/%-static: GuestTests/programs/%.c
	@mkdir -p $(dir $@)
	musl-gcc $(GUEST_CFLAGS) -static -o $@ $<

# Debian's musl-gcc specs have no -static-pie; link it from musl's rcrt1.o by hand.
MUSL_LIB := /usr/lib/x86_64-linux-musl
$(BUILD)/guest/%-static-pie: GuestTests/programs/%.c
	@mkdir -p $(dir $@)
	musl-gcc $(GUEST_CFLAGS) -fPIE -nostartfiles -Wl,-static -Wl,-pie -Wl,--no-dynamic-linker -Wl,-z,text \
	  $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $$(gcc -print-file-name=crtbeginS.o) $< -o $@ \
	  $$(gcc -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o

$(BUILD)/guest/%-dynamic: GuestTests/programs/%.c
	@mkdir -p $(dir $@)
	gcc $(GUEST_CFLAGS) -o $@ $< -lpthread

# Swift guest apps (GuestTests/apps): SwiftPM packages from the machine's package set, built for
# Linux with the Swift runtime linked in (--static-swift-stdlib) and stripped for the image.
HUMMINGBIRD_DIR := GuestTests/apps/hello-hummingbird
$(BUILD)/guest/hello-hummingbird: $(HUMMINGBIRD_DIR)/Package.swift $(wildcard $(HUMMINGBIRD_DIR)/Sources/*/*.swift)
	@mkdir -p $(dir $@)
	$(SWIFT) build -c release --static-swift-stdlib --package-path $(HUMMINGBIRD_DIR) --scratch-path $(BUILD)/apps/hello-hummingbird
	strip -o $@ $(BUILD)/apps/hello-hummingbird/release/HelloHummingbird

# A jar for the JVM test: two classes, a resource and a manifest naming the main class.
JAR_DIR := GuestTests/apps/hello-jar/src
$(BUILD)/guest/hello.jar: $(wildcard $(JAR_DIR)/skiff/*)
	@rm -rf $(BUILD)/apps/hello-jar && mkdir -p $(BUILD)/apps/hello-jar $(dir $@)
	javac --release 17 -d $(BUILD)/apps/hello-jar $(wildcard $(JAR_DIR)/skiff/*.java)
	cp $(JAR_DIR)/skiff/message.txt $(BUILD)/apps/hello-jar/skiff/
	jar --create --file $@ --main-class skiff.Main -C $(BUILD)/apps/hello-jar .

# Installs the packages of a "command:package" list whose command (or file, or glob) is missing.
# Servers the guest tests run (redis, memcached, nginx) must not start on the host: a
# policy-rc.d that refuses is in place for the install when the machine has none.
define apt_install
@missing=""; for pair in $(1); do \
	  cmd=$${pair%%:*}; pkg=$${pair#*:}; \
	  if [ "$${cmd#/}" != "$$cmd" ]; then ls $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	  else command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; fi; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "error: run as root (or install:$$missing)"; exit 1; fi; \
	  guard=""; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1; \
	  fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  status=$$?; if [ -n "$$guard" ]; then rm -f /usr/sbin/policy-rc.d; fi; exit $$status; \
	fi
endef

deps:
	$(call apt_install,$(APT_PACKAGES))
	@test -x $(SWIFT_ROOT)/usr/bin/swift || { echo "error: Swift 6.3 not found at $(SWIFT_ROOT) (set SWIFT_ROOT)"; exit 1; }

bench-deps: deps
	$(call apt_install,$(BENCH_APT_PACKAGES))

# The vDSO (VDSO/): a freestanding shared object the kernel carries and maps into every process.
# It must need no relocations: its pages are shared and never patched.
VDSO_DIR := $(BUILD)/vdso
VDSO := $(VDSO_DIR)/vdso.so
$(VDSO): VDSO/vdso.c VDSO/vdso.lds VDSO/vdso.map Sources/CKernel/include/vdso.h
	@mkdir -p $(dir $@)
	gcc -O2 -Wall -fPIC -ffreestanding -fno-builtin -fno-stack-protector -fcf-protection=none -ISources/CKernel/include \
	  -nostdlib -shared -Wl,-T,VDSO/vdso.lds -Wl,--version-script=VDSO/vdso.map -Wl,-soname=linux-vdso.so.1 \
	  -Wl,--hash-style=both -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -o $@ VDSO/vdso.c
	@if readelf -r $@ | grep -q R_X86_64; then echo "error: $@ needs relocations"; readelf -r $@; rm -f $@; exit 1; fi

# Included by Sources/CKernel/Runtime/vdso_image.S; its hash line changes with the image, which
# is what makes SwiftPM rebuild that file.
$(VDSO_DIR)/vdso_image.inc: $(VDSO)
	printf '/* %s */\n.incbin "%s"\n' "$$(sha256sum $< | cut -d' ' -f1)" "$(abspath $<)" > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

# The kernel: SwiftPM cross build with the embedded toolset, then the symbol table appended.
kernel: $(KERNEL)
$(KERNEL): host $(VDSO_DIR)/vdso_image.inc FORCE
	$(SWIFT) build -c release --triple x86_64-unknown-none-elf --toolset Toolchain/kernel-toolset.json --product Kernel \
	  -Xcc -I$(abspath $(VDSO_DIR))
	@mkdir -p $(BUILD)
	$(SKIFF) dev embed-symbols $(KERNEL_LINKED) -o $@
	@# Kernel code must not use the FPU: it holds the interrupted application's registers.
	@# (Dictionary/Set and Double arithmetic compile to x87 code under -mno-sse.)
	@bad=$$(llvm-objdump -d --no-show-raw-insn $@ | awk '/^[0-9a-f]+ <.*>:$$/ {fn=$$2} /\t(fld|fild|fstp|fistp|fadd|fsub|fmul|fdiv|frndint|fldcw|fnstcw|fucomi|fxch|movss|movsd|addsd|mulsd|cvtsi2sd)/ {print fn}' | sort -u | grep -v skiff_fpu_selfcheck || true); \
	if [ -n "$$bad" ]; then echo "error: floating-point instructions in kernel functions:"; echo "$$bad"; exit 1; fi
	@# A disabled tracepoint must cost one load and a branch, no call (docs/observability.md).
	$(SKIFF) dev check-tracepoints $@
	@echo "kernel: $@ ($$(stat -c %s $@) bytes)"

host:
	$(SWIFT) build --product skiff
	$(SWIFT) build --product skiff-guest-tests
	$(SWIFT) build --product skiff-bench

test-host:
	$(SWIFT) test --parallel

test-guest: kernel host guest-programs
	$(GUEST_TESTS) --kernel $(KERNEL) --build $(BUILD) --jobs $(JOBS)

# The soak test alone, for as long as asked (make check soaks for 20 s): nginx under wrk with the
# kernel's memory sampled between rounds (docs/security.md).
SOAK_SECONDS ?= 600
soak: kernel host guest-programs
	SKIFF_SOAK_SECONDS=$(SOAK_SECONDS) $(GUEST_TESTS) --kernel $(KERNEL) --build $(BUILD) --filter soak

run: deps kernel host guest-programs
	$(SKIFF) run --kernel $(KERNEL) --timeout 60 --verbose --boot-option=--bootchart $(BUILD)/guest/hello-static hello Skiff

check: deps
	$(MAKE) test-host
	$(MAKE) fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	$(MAKE) test-guest
	$(MAKE) bench BENCH_QUICK=1

# Fuzzing (docs/security.md): libFuzzer harnesses of the parsers that read outside data, built
# with AddressSanitizer and coverage instrumentation into one binary, skiff-fuzz NAME. Each harness
# runs FUZZ_SECONDS from its seed corpus Fuzz/corpus/NAME (new inputs go to build/fuzz/NAME, not
# into the repository); any crash or timeout fails (not leaks: a stack or volume dropped at the end
# of an input may leave reference cycles the kernel, which never drops them, does not have), and the crashing input is left in
# build/fuzz as crash-*. FUZZ_HARNESSES picks some; FUZZ_ARGS adds libFuzzer options.
FUZZ_SECONDS ?= 20
CHECK_FUZZ_SECONDS ?= 5
FUZZ_HARNESSES ?= cmdline elf image ext4 9p net http
FUZZ_ARGS ?=
FUZZ_BIN := .build/release/skiff-fuzz
FUZZER_LIB = $(firstword $(wildcard $(SWIFT_ROOT)/usr/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
FUZZ_BUILD_FLAGS = -c release --product skiff-fuzz -Xswiftc -DFUZZING -Xswiftc -sanitize=address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xlinker $(FUZZER_LIB) -Xlinker -lstdc++

fuzz-build:
	@test -n "$(FUZZER_LIB)" || { echo "error: libFuzzer (libclang_rt.fuzzer_no_main) not found under $(SWIFT_ROOT)"; exit 1; }
	$(SWIFT) build $(FUZZ_BUILD_FLAGS)

fuzz: fuzz-build
	@mkdir -p $(BUILD)/fuzz
	@for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(BUILD)/fuzz/$$h; \
	  max=$$($(FUZZ_BIN) list | awk -v h=$$h '$$1 == h { sub("-max_len=", "", $$2); print $$2 }'); \
	  dict=""; [ -f Fuzz/dict/$$h.dict ] && dict="-dict=Fuzz/dict/$$h.dict"; \
	  echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
	  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BIN) $$h -max_total_time=$(FUZZ_SECONDS) -max_len=$$max \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ $$dict $(FUZZ_ARGS) \
	    $(BUILD)/fuzz/$$h Fuzz/corpus/$$h > $(BUILD)/fuzz/$$h.log 2>&1; \
	  status=$$?; grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' $(BUILD)/fuzz/$$h.log | tr '\n' ' '; echo; \
	  if [ $$status != 0 ]; then tail -60 $(BUILD)/fuzz/$$h.log; echo "fuzz: $$h failed (log $(BUILD)/fuzz/$$h.log)"; exit 1; fi; \
	done

# Benchmarks: Skiff beside Debian's Linux kernel under the same QEMU settings (docs/benchmarks.md).
#   make bench                  median of BENCH_RUNS runs per system, table, results and plots in build/bench
#   make bench BENCH_QUICK=1    one run, tiny counts: a smoke test that every number comes out
BENCH_RUNS ?= 5
BENCH_QUICK ?=
BENCH_ARGS ?=
BENCH_DIR := $(BUILD)/bench
BENCH_SOURCES := $(wildcard GuestTests/bench/*.c)
BENCH_PROGRAMS := $(patsubst GuestTests/bench/%.c,$(BENCH_DIR)/programs/%,$(BENCH_SOURCES)) $(BENCH_DIR)/programs/init

bench-programs: $(BENCH_PROGRAMS) $(BENCH_DIR)/skiff-kernel.elf

$(BENCH_DIR)/programs/%: GuestTests/bench/%.c GuestTests/bench/bench.h
	@mkdir -p $(dir $@)
	musl-gcc -O2 -Wall -Wno-unused-result -static -o $@ $<

$(BENCH_DIR)/programs/init: GuestTests/linux/init.c
	@mkdir -p $(dir $@)
	musl-gcc -O2 -Wall -Wno-unused-result -static -o $@ $<

# The kernel as benchmarked and measured: without its debug sections, which are never loaded.
$(BENCH_DIR)/skiff-kernel.elf: $(KERNEL)
	@mkdir -p $(dir $@)
	llvm-objcopy --strip-debug $< $@

bench: $(if $(BENCH_QUICK),deps,bench-deps) kernel host
	$(MAKE) bench-programs
	$(SKIFF_BENCH) --build $(BUILD) --runs $(BENCH_RUNS) $(if $(BENCH_QUICK),--quick) $(BENCH_ARGS)
	@if [ -z "$(BENCH_QUICK)" ]; then \
	  if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then \
	    /usr/bin/python3 Tools/bench-plot.py $(BENCH_DIR)/results.json $(BENCH_DIR); \
	  else echo "bench: python3-matplotlib is not installed; no plots"; fi; \
	fi

clean:
	rm -rf $(BUILD) .build

FORCE:
