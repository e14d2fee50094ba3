/* version.h - the kernel's version, printed in the boot banner. */
#pragma once
#define SWIOD_VERSION "0.1.0"
