/*
 * segv.c - a program that writes through a NULL pointer.  The kernel must
 * end it with a segfault report (its wait status: SIGSEGV) and go on;
 * "segv: still alive" must never appear.
 */
#include "ulib.h"

int main(void)
{
    printf("segv: writing to address 0\n");
    *(volatile int *)0 = 1;
    printf("segv: still alive\n");
    return 0;
}
