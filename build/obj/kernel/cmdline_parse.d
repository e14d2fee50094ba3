build/obj/kernel/cmdline_parse.o: kernel/cmdline_parse.c \
 include/cmdline_parse.h include/kerrno.h
include/cmdline_parse.h:
include/kerrno.h:
