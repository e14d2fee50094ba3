build/obj/boot/gdt.o: boot/gdt.c include/gdt.h include/x86.h
include/gdt.h:
include/x86.h:
