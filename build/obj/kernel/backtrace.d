build/obj/kernel/backtrace.o: kernel/backtrace.c include/backtrace.h \
 include/ksyms.h include/mm.h include/printk.h
include/backtrace.h:
include/ksyms.h:
include/mm.h:
include/printk.h:
