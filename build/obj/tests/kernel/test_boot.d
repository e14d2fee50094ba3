build/obj/tests/kernel/test_boot.o: tests/kernel/test_boot.c \
 include/bootinfo.h include/cmdline.h include/ktest.h include/kstring.h \
 include/mm.h include/gfp.h include/list.h
include/bootinfo.h:
include/cmdline.h:
include/ktest.h:
include/kstring.h:
include/mm.h:
include/gfp.h:
include/list.h:
