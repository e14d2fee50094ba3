build/obj/tests/bench/bench_boot.o: tests/bench/bench_boot.c \
 include/kbench.h include/x86.h
include/kbench.h:
include/x86.h:
