build/obj/tests/kernel/test_selftest.o: tests/kernel/test_selftest.c \
 include/ktest.h include/kstring.h include/panic.h include/printk.h \
 include/x86.h
include/ktest.h:
include/kstring.h:
include/panic.h:
include/printk.h:
include/x86.h:
