build/obj/kernel/readline.o: kernel/readline.c include/readline.h \
 include/console.h include/kstring.h
include/readline.h:
include/console.h:
include/kstring.h:
