build/obj/kernel/ktest.o: kernel/ktest.c include/ktest.h \
 include/kstring.h include/cmdline.h include/cmdline_parse.h \
 include/console.h include/fault_catch.h include/backtrace.h \
 include/setjmp.h include/printk.h include/random.h include/timer.h \
 include/vsprintf.h include/x86.h
include/ktest.h:
include/kstring.h:
include/cmdline.h:
include/cmdline_parse.h:
include/console.h:
include/fault_catch.h:
include/backtrace.h:
include/setjmp.h:
include/printk.h:
include/random.h:
include/timer.h:
include/vsprintf.h:
include/x86.h:
