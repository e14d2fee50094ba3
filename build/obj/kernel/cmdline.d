build/obj/kernel/cmdline.o: kernel/cmdline.c include/cmdline.h \
 include/cmdline_parse.h include/kerrno.h include/kstring.h \
 include/printk.h
include/cmdline.h:
include/cmdline_parse.h:
include/kerrno.h:
include/kstring.h:
include/printk.h:
