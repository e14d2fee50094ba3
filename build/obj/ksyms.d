build/obj/ksyms.o: build/ksyms.c include/ksyms.h
include/ksyms.h:
