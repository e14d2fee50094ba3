build/obj/mm/early.o: mm/early.c include/mm.h include/bootinfo.h \
 include/printk.h include/x86.h
include/mm.h:
include/bootinfo.h:
include/printk.h:
include/x86.h:
