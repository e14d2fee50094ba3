/*
 * user_blob.h - running hand-written ring-3 code (user_blobs.asm) in a
 * task of its own, for the tests and benchmarks of the user-mode
 * machinery without processes or files.
 *
 *   s = blob_space(code, end)   a new space with the blob's page at
 *                               BLOB_CODE, a data page at BLOB_DATA and a
 *                               stack page below USER_TOP; NULL when out
 *                               of memory or the blob is over a page
 *   status = blob_run(s, &id)   run it to its end; its wait status (the
 *                               blob's exit, or the signal of its fault),
 *                               or -ENOMEM when no task could be made
 *   vm_space_destroy(s)         after reading what it left in BLOB_DATA
 *
 * One blob at a time: blob_run runs the space blob_space made last.
 */
#pragma once
#include <stdint.h>
#include "vm.h"

#define BLOB_CODE       0x08048000u     /* where Linux links i386 programs */
#define BLOB_DATA       0x08049000u     /* one writable page the blob may fill */

#define DECLARE_BLOB(name) extern const char user_blob_##name[], user_blob_##name##_end[]
#define BLOB(name) user_blob_##name, user_blob_##name##_end

struct vm_space *blob_space(const char *code, const char *end);
int blob_run(struct vm_space *space, uint32_t *id);
