/*
 * monitor.h - the serial monitor: a prompt ("swiod> ") that runs commands
 * to look inside the running kernel.  "help" lists them; "halt" leaves
 * QEMU with the verdict of the tests run in this boot.
 *
 * The prompt is also what tools/qemu-boot waits for before it feeds piped
 * input to the serial port, so a script can drive the monitor.
 */
#pragma once

#define MONITOR_PROMPT "swiod> "

__attribute__((noreturn)) void monitor_run(void);
