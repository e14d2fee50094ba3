build/obj/drivers/vga.o: drivers/vga.c include/vga.h include/mm.h \
 include/gfp.h include/list.h
include/vga.h:
include/mm.h:
include/gfp.h:
include/list.h:
