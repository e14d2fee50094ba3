build/obj/drivers/pit.o: drivers/pit.c include/pit.h include/x86.h
include/pit.h:
include/x86.h:
