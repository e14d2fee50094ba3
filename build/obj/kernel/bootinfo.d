build/obj/kernel/bootinfo.o: kernel/bootinfo.c include/bootinfo.h \
 include/kerrno.h include/kstring.h include/mm.h include/gfp.h \
 include/list.h include/vm.h include/printk.h
include/bootinfo.h:
include/kerrno.h:
include/kstring.h:
include/mm.h:
include/gfp.h:
include/list.h:
include/vm.h:
include/printk.h:
