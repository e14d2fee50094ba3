build/obj/drivers/serial.o: drivers/serial.c include/serial.h \
 include/interrupts.h include/x86.h
include/serial.h:
include/interrupts.h:
include/x86.h:
