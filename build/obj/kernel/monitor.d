build/obj/kernel/monitor.o: kernel/monitor.c include/monitor.h \
 include/bootinfo.h include/console.h include/kbench.h include/kstring.h \
 include/ktest.h include/mm.h include/gfp.h include/list.h \
 include/panic.h include/printk.h include/readline.h include/slab.h \
 include/timer.h
include/monitor.h:
include/bootinfo.h:
include/console.h:
include/kbench.h:
include/kstring.h:
include/ktest.h:
include/mm.h:
include/gfp.h:
include/list.h:
include/panic.h:
include/printk.h:
include/readline.h:
include/slab.h:
include/timer.h:
