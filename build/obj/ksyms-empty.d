build/obj/ksyms-empty.o: build/ksyms-empty.c include/ksyms.h
include/ksyms.h:
