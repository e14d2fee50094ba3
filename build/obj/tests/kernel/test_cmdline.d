build/obj/tests/kernel/test_cmdline.o: tests/kernel/test_cmdline.c \
 include/cmdline.h include/cmdline_parse.h include/kerrno.h \
 include/ktest.h include/kstring.h
include/cmdline.h:
include/cmdline_parse.h:
include/kerrno.h:
include/ktest.h:
include/kstring.h:
