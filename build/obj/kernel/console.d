build/obj/kernel/console.o: kernel/console.c include/console.h \
 include/serial.h include/vga.h include/vsprintf.h include/kstring.h \
 include/x86.h
include/console.h:
include/serial.h:
include/vga.h:
include/vsprintf.h:
include/kstring.h:
include/x86.h:
