build/obj/kernel/idt.o: kernel/idt.c include/interrupts.h include/gdt.h \
 include/pic.h include/printk.h
include/interrupts.h:
include/gdt.h:
include/pic.h:
include/printk.h:
