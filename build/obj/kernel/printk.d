build/obj/kernel/printk.o: kernel/printk.c include/printk.h \
 include/console.h include/timer.h include/vsprintf.h include/x86.h
include/printk.h:
include/console.h:
include/timer.h:
include/vsprintf.h:
include/x86.h:
