build/obj/drivers/pic.o: drivers/pic.c include/pic.h include/interrupts.h \
 include/x86.h
include/pic.h:
include/interrupts.h:
include/x86.h:
