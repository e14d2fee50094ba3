build/obj/kernel/vsprintf.o: kernel/vsprintf.c include/vsprintf.h
include/vsprintf.h:
