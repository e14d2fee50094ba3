build/obj/kernel/kbench.o: kernel/kbench.c include/kbench.h \
 include/cmdline.h include/console.h include/kerrno.h include/kstring.h \
 include/printk.h
include/kbench.h:
include/cmdline.h:
include/console.h:
include/kerrno.h:
include/kstring.h:
include/printk.h:
