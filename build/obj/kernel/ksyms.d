build/obj/kernel/ksyms.o: kernel/ksyms.c include/ksyms.h \
 include/kstring.h include/vsprintf.h
include/ksyms.h:
include/kstring.h:
include/vsprintf.h:
