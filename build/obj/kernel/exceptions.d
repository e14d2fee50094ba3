build/obj/kernel/exceptions.o: kernel/exceptions.c include/interrupts.h \
 include/backtrace.h include/fault_catch.h include/setjmp.h include/gdt.h \
 include/mm.h include/gfp.h include/list.h include/vm.h include/panic.h \
 include/printk.h include/vsprintf.h include/x86.h
include/interrupts.h:
include/backtrace.h:
include/fault_catch.h:
include/setjmp.h:
include/gdt.h:
include/mm.h:
include/gfp.h:
include/list.h:
include/vm.h:
include/panic.h:
include/printk.h:
include/vsprintf.h:
include/x86.h:
