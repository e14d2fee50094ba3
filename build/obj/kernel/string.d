build/obj/kernel/string.o: kernel/string.c include/kstring.h
include/kstring.h:
