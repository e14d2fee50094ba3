build/obj/kernel/timer.o: kernel/timer.c include/timer.h \
 include/interrupts.h include/pit.h include/x86.h
include/timer.h:
include/interrupts.h:
include/pit.h:
include/x86.h:
