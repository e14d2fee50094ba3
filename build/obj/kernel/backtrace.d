build/obj/kernel/backtrace.o: kernel/backtrace.c include/backtrace.h \
 include/ksyms.h include/mm.h include/gfp.h include/list.h include/vm.h \
 include/printk.h
include/backtrace.h:
include/ksyms.h:
include/mm.h:
include/gfp.h:
include/list.h:
include/vm.h:
include/printk.h:
