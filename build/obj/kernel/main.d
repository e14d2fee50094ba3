build/obj/kernel/main.o: kernel/main.c include/bootinfo.h \
 include/cmdline.h include/console.h include/gdt.h include/interrupts.h \
 include/kbench.h include/ktest.h include/kstring.h include/mm.h \
 include/gfp.h include/list.h include/monitor.h include/panic.h \
 include/pic.h include/printk.h include/serial.h include/timer.h \
 include/version.h include/x86.h
include/bootinfo.h:
include/cmdline.h:
include/console.h:
include/gdt.h:
include/interrupts.h:
include/kbench.h:
include/ktest.h:
include/kstring.h:
include/mm.h:
include/gfp.h:
include/list.h:
include/monitor.h:
include/panic.h:
include/pic.h:
include/printk.h:
include/serial.h:
include/timer.h:
include/version.h:
include/x86.h:
