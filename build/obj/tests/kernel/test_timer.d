build/obj/tests/kernel/test_timer.o: tests/kernel/test_timer.c \
 include/ktest.h include/kstring.h include/pit.h include/timer.h \
 include/x86.h
include/ktest.h:
include/kstring.h:
include/pit.h:
include/timer.h:
include/x86.h:
