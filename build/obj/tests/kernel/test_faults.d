build/obj/tests/kernel/test_faults.o: tests/kernel/test_faults.c \
 include/fault_catch.h include/backtrace.h include/setjmp.h \
 include/ksyms.h include/ktest.h include/kstring.h include/printk.h
include/fault_catch.h:
include/backtrace.h:
include/setjmp.h:
include/ksyms.h:
include/ktest.h:
include/kstring.h:
include/printk.h:
