build/obj/mm/early.o: mm/early.c include/mm.h include/gfp.h \
 include/list.h include/bootinfo.h include/printk.h
include/mm.h:
include/gfp.h:
include/list.h:
include/bootinfo.h:
include/printk.h:
