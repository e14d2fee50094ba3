# swiod - build, run, test, debug and benchmark.  See README.md.
#
#   make            build build/swiod.elf, build/swiod.iso and the user programs
#                   (build/user/root/bin/NAME, one per user/NAME.c)
#   make run        boot the ISO: boot test suite, then the monitor
#   make test       every test, each in a fresh QEMU  (TESTS='glob' for some)
#   make bench      every benchmark                  (BENCH='glob' for some;
#                   BENCH_CMDLINE='e1000_offload=off' adds to each one's command line)
#   make debug      make run's boot halted at the first instruction, gdb attached
#                   (SCENARIO=TESTS for other tests on the same machine)
#   make console    the serial console of make debug's boot, in another terminal
#   make host-tests the pure-logic unit tests, on the host, with sanitizers
#   make compile_commands.json   how each C file is compiled, for clangd

CROSS   ?= i686-linux-gnu-
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
NM      := $(CROSS)nm
# Two kernels: build/ is the test build (every debug check on); make bench
# builds build/release/ with MM_DEBUG=0 and LOCKDEP=0, whose costs are the
# ones worth quoting.
BUILD   ?= build
KCONFIG ?=

# -fno-asynchronous-unwind-tables: with -g, the call frame information
# goes to .debug_frame, which gdb unwinds by, instead of .eh_frame, which
# the link discards (no C++ exceptions here); without it gdb guesses each
# frame from its prologue and loses its way where -O2 interleaves one.
CFLAGS  := -std=c11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
           -fno-stack-protector -fno-omit-frame-pointer -fno-optimize-sibling-calls \
           -fno-asynchronous-unwind-tables \
           -mgeneral-regs-only -O2 -g -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
           -Wshadow -Wundef -Werror -Iinclude -MMD -MP $(KCONFIG)
ASFLAGS := -f elf32 -g -F dwarf
LIBGCC  := $(shell $(CC) -m32 -print-libgcc-file-name 2>/dev/null)

C_SRCS   := $(wildcard boot/*.c kernel/*.c lib/*.c mm/*.c drivers/*.c drivers/*/*.c fs/*.c fs/*/*.c \
                      net/*.c net/*/*.c \
                      tests/kernel/*.c tests/bench/*.c)
ASM_SRCS := $(wildcard boot/*.asm kernel/*.asm tests/kernel/*.asm)
OBJS     := $(C_SRCS:%.c=$(BUILD)/obj/%.o) $(ASM_SRCS:%.asm=$(BUILD)/obj/%.asm.o)

# make run: every boot test, then the stress suite, then the monitor, on
# the machine tools/bootrun describes (32 MiB, a swap disk and ext2 disks
# made fresh for every run, nbdsrv and the host's qemu-nbd serving NBD
# disks); make debug and make test (make_run_suite_ends_green) boot the same.
RUN_CMDLINE ?= $(shell tools/bootrun --cmdline all,stress)
RUN_DIR     := $(BUILD)/run

# V=1 shows the full commands.
Q := $(if $(V),,@)

# User programs: user/NAME.c linked with the tiny libc in user/lib/ into a
# static ELF32 executable at Linux's address (0x08048000), one segment per
# page (max-page-size 4096: exec refuses segments that share a page).  They
# may include the kernel's pure headers (include/, searched last) and link
# its pure lib/string.c and lib/vsprintf.c.  General registers only:
# the kernel does not save a task's FPU state yet, so a program must not use
# floating point.  The harness copies build/user/root into an ext2 image
# with mke2fs -d.  -MD, not -MMD: -idirafter makes include/ a system
# directory, whose headers -MMD leaves out of the dependencies (a changed
# ps_abi.h would leave /bin/ps stale).
USER_CFLAGS  := -std=c11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
                -fno-stack-protector -fno-omit-frame-pointer -mgeneral-regs-only -O2 -g \
                -Wall -Wextra -Werror -Iuser/include -idirafter include -MD -MP
USER_LDFLAGS := -m32 -static -nostdlib -no-pie -Wl,-z,max-page-size=4096 \
                -Wl,-z,noexecstack -Wl,--build-id=none
USER_KOBJS   := $(BUILD)/user/obj/kpure/lib/string.o $(BUILD)/user/obj/kpure/lib/vsprintf.o
USER_NBD_KOBJS := $(BUILD)/user/obj/kpure/net/nbdsrv/nbdsrv_proto.o \
                  $(BUILD)/user/obj/kpure/drivers/block/nbd_proto.o
USER_LIB     := $(patsubst user/%.c,$(BUILD)/user/obj/%.o,$(wildcard user/lib/*.c)) \
                $(BUILD)/user/obj/lib/crt0.asm.o $(USER_KOBJS)
USER_PROGS   := $(patsubst user/%.c,$(BUILD)/user/root/bin/%,$(wildcard user/*.c))
# A program of several files: user/NAME.c, with main(), and the rest in
# user/NAME/ (user/usertests/: its cases), linked into /bin/NAME.
USER_PARTS   := $(filter-out user/lib/%,$(wildcard user/*/*.c))
part_obj      = $(patsubst user/%.c,$(BUILD)/user/obj/%.o,$(1))
part_prog     = $(BUILD)/user/root/bin/$(notdir $(patsubst %/,%,$(dir $(1))))
# A program's object is an intermediate of a pattern rule: kept, so make
# does not delete it (and print "rm ..." after make test's last line).
.SECONDARY: $(patsubst user/%.c,$(BUILD)/user/obj/%.o,$(wildcard user/*.c user/lib/*.c)) \
            $(call part_obj,$(USER_PARTS)) \
            $(USER_KOBJS) $(USER_NBD_KOBJS)

.PHONY: all run test bench debug console host-tests deps clean compile_commands.json user
all: $(BUILD)/swiod.elf $(BUILD)/swiod.iso user
$(OBJS): Makefile                       # new flags: everything again
# A program whose user/NAME.c is gone leaves bin/ too: the images the
# harness and make run build from build/user/root hold what user/ holds.
USER_STALE = $(filter-out $(USER_PROGS),$(wildcard $(BUILD)/user/root/bin/*))
user: $(USER_PROGS)
	$(if $(USER_STALE),@echo "  RM      $(USER_STALE) (no user/*.c)"; rm -f $(USER_STALE))

$(BUILD)/user/obj/%.o: user/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

# The kernel's pure files a program links, compiled for user mode, by
# their path: lib/string.c and lib/vsprintf.c for every program
# (USER_KOBJS); /bin/nbd-server speaks NBD with the framing nbdsrv uses
# (nbdsrv_proto.c over nbd_proto.c: USER_NBD_KOBJS), one protocol's code
# for both servers, and finds its private header in net/nbdsrv/, last.
$(BUILD)/user/obj/kpure/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (user)"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/user/root/bin/nbd-server: $(USER_NBD_KOBJS)
$(foreach part,$(USER_PARTS),$(eval $(call part_prog,$(part)): $(call part_obj,$(part))))
$(BUILD)/user/obj/nbd-server.o: USER_CFLAGS += -idirafter net/nbdsrv

$(BUILD)/user/obj/lib/crt0.asm.o: user/lib/crt0.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)nasm $(ASFLAGS) $< -o $@

$(BUILD)/user/root/bin/%: $(BUILD)/user/obj/%.o $(USER_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBGCC)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Keep tests, benchmarks and monitor commands in the order they are written
# in each file, so a file can go from the simplest case to the hardest.
$(BUILD)/obj/tests/%.o: CFLAGS += -fno-toplevel-reorder
$(BUILD)/obj/kernel/monitor.o $(BUILD)/obj/mm/mm_monitor.o: CFLAGS += -fno-toplevel-reorder

$(BUILD)/obj/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)nasm $(ASFLAGS) $< -o $@

# Two links: the first, with an empty symbol table, tells gensyms.py where
# every function is; the second carries the table.  The table comes last in
# the image, so no function moves -- checked below.
$(BUILD)/ksyms-empty.c:
	@mkdir -p $(BUILD)
	$(Q)tools/gensyms.py --empty $@

$(BUILD)/swiod-pass1.elf: $(OBJS) $(BUILD)/obj/ksyms-empty.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 -z noexecstack -nostdlib -T linker.ld -o $@ $(OBJS) $(BUILD)/obj/ksyms-empty.o $(LIBGCC)

$(BUILD)/ksyms.c: $(BUILD)/swiod-pass1.elf tools/gensyms.py
	@echo "  KSYMS   $@"
	$(Q)tools/gensyms.py $(NM) $< $@

$(BUILD)/obj/ksyms-empty.o: $(BUILD)/ksyms-empty.c
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/ksyms.o: $(BUILD)/ksyms.c
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/swiod.elf: $(OBJS) $(BUILD)/obj/ksyms.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 -z noexecstack -nostdlib -T linker.ld -o $@ $(OBJS) $(BUILD)/obj/ksyms.o $(LIBGCC)
	@$(NM) -n $(BUILD)/swiod-pass1.elf | grep -i ' t ' > $(BUILD)/text-pass1.txt
	@$(NM) -n $@ | grep -i ' t ' > $(BUILD)/text-pass2.txt
	@cmp -s $(BUILD)/text-pass1.txt $(BUILD)/text-pass2.txt || \
	    { echo "error: functions moved between the two links; ksyms would lie"; rm -f $@; exit 1; }

# Made every time (0.15 s): its command line may differ from the last one.
$(BUILD)/swiod.iso: $(BUILD)/swiod.elf boot/grub.cfg tools/mkiso FORCE
	@echo "  ISO     $@"
	$(Q)tools/mkiso $< '$(RUN_CMDLINE)' $@

deps:
	@tools/install-deps.sh

run: deps all
	tools/bootrun $(RUN_DIR) $(BUILD)/swiod.iso --timeout 0

test: deps all
	python3 tests/harness/run_tests.py $(if $(TESTS),--only '$(TESTS)')

bench: deps
	@$(MAKE) --no-print-directory BUILD=build/release KCONFIG="-DMM_DEBUG=0 -DLOCKDEP=0" build/release/swiod.elf
	python3 tests/harness/run_bench.py --kernel build/release/swiod.elf $(if $(BENCH),--only '$(BENCH)') \
		$(if $(BENCH_CMDLINE),--cmdline '$(BENCH_CMDLINE)')

# SCENARIO, DEBUG_CMDLINE and DEBUG_ARGS reach tools/debug in its environment.
debug: deps all
	tools/debug

console:
	@tools/console

host-tests:
	@tests/host/run

# The commands make would run (-n: nothing is built), as clangd reads them.
compile_commands.json:
	$(Q)$(MAKE) --no-print-directory -Bn V=1 all | tools/compile-commands $(CURDIR) > $@
	@echo "  GEN     $@"

FORCE:

clean:
	rm -rf $(BUILD)

# Only the current objects' lists: an old list may name a source that moved.
-include $(OBJS:.o=.d) $(patsubst %.o,%.d,$(filter-out %.asm.o,$(USER_LIB) $(USER_NBD_KOBJS))) \
         $(patsubst user/%.c,$(BUILD)/user/obj/%.d,$(wildcard user/*.c) $(USER_PARTS))
