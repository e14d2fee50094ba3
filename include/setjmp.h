/*
 * setjmp.h - non-local jumps within the kernel (kernel/setjmp.asm).
 * setjmp() saves the callee-saved registers, the stack pointer, the return
 * address and EFLAGS (so the interrupt flag comes back as it was);
 * longjmp() restores them and makes that setjmp() return val (1 if val is 0).
 */
#pragma once

typedef unsigned int jmp_buf[7];

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);
