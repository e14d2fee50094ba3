build/obj/kernel/panic.o: kernel/panic.c include/panic.h \
 include/backtrace.h include/printk.h include/vsprintf.h include/x86.h
include/panic.h:
include/backtrace.h:
include/printk.h:
include/vsprintf.h:
include/x86.h:
