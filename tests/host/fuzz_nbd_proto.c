/*
 * fuzz_nbd_proto.c - a libFuzzer target for drivers/block/nbd_proto.c.
 *
 * Everything those functions judge comes from a server that may lie, so
 * each must survive any bytes.  The input is played as a whole handshake
 * and transmission, the way nbd.c would read it: a greeting, then option
 * replies to NBD_OPT_GO (each header, then as many data bytes as it
 * claims, when the input has them) until the handshake ends, an export
 * name reply if the server said NBD_REP_ERR_UNSUP, nbd_check_export, and
 * then whatever is left as simple reply headers.  Each piece is a heap
 * copy of exactly its size, so a read past it is caught.  Besides "no
 * crash, no undefined behaviour", it checks that:
 *   every result is 0, a documented step, or a documented errno, and the
 *   reason is terminated and non-empty exactly when there was a refusal;
 *   no accepted option reply claims more than NBD_OPT_REPLY_MAX_LEN;
 *   NBD_GO_DONE comes only after an export was described;
 *   an export nbd_check_export accepts has whole sectors and usable
 *   block sizes.
 *
 * tests/host/run builds it with clang -fsanitize=fuzzer and runs a bounded
 * number of inputs; by hand: build/host/fuzz_nbd_proto -runs=1000000
 * Fuzz options: -max_len=1024
 * Links with: drivers/block/nbd_proto.c lib/vsprintf.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "kerrno.h"
#include "nbd_proto.h"

#define WHY 96
#define MAX_REPLIES 32          /* what nbd.c allows before giving up */
#define SECTOR 512
#define MAX_REQUEST 65536

struct input {
    const uint8_t *data;
    size_t left;
};

/* The next len bytes as their own heap block, or NULL when the input ends. */
static uint8_t *take(struct input *in, size_t len)
{
    if (in->left < len)
        return NULL;
    uint8_t *p = malloc(len ? len : 1);
    memcpy(p, in->data, len);
    in->data += len;
    in->left -= len;
    return p;
}

static void check_why(int ret, const char *why)
{
    FUZZ_ASSERT(memchr(why, '\0', WHY) != NULL);
    FUZZ_ASSERT((ret < 0) == (why[0] != '\0'));
    FUZZ_ASSERT(ret >= 0 || ret == -EPROTO || ret == -EINVAL || ret == -ENOENT);
}

static bool handshake(struct input *in, struct nbd_export *e)
{
    char why[WHY];
    uint16_t hs;
    uint8_t *g = take(in, NBD_GREETING_LEN);
    if (!g)
        return false;
    int ret = nbd_parse_greeting(g, &hs, why, WHY);
    free(g);
    check_why(ret, why);
    if (ret)
        return false;
    int step = NBD_GO_MORE;
    for (int i = 0; i < MAX_REPLIES && step == NBD_GO_MORE; i++) {
        struct nbd_opt_reply r;
        uint8_t *h = take(in, NBD_OPT_REPLY_HEADER_LEN);
        if (!h)
            return false;
        ret = nbd_parse_opt_reply_header(h, NBD_OPT_GO, &r, why, WHY);
        free(h);
        check_why(ret, why);
        if (ret)
            return false;
        FUZZ_ASSERT(r.len <= NBD_OPT_REPLY_MAX_LEN);
        uint8_t *d = take(in, r.len);
        if (!d)
            return false;
        step = nbd_go_reply(e, &r, d, why, WHY);
        free(d);
        check_why(step, why);
        FUZZ_ASSERT(step < 0 || step == NBD_GO_MORE || step == NBD_GO_DONE ||
                    step == NBD_GO_UNSUPPORTED);
        FUZZ_ASSERT(step != NBD_GO_DONE || e->have_export);
    }
    if (step == NBD_GO_UNSUPPORTED) {
        uint32_t len = nbd_export_name_reply_len(nbd_client_flags(hs));
        uint8_t *r = take(in, len);
        if (!r)
            return false;
        ret = nbd_parse_export_name_reply(r, len, e, why, WHY);
        free(r);
        check_why(ret, why);
        FUZZ_ASSERT(ret == 0);
    } else if (step != NBD_GO_DONE) {
        return false;
    }
    ret = nbd_check_export(e, SECTOR, MAX_REQUEST, why, WHY);
    check_why(ret, why);
    if (ret == 0) {
        FUZZ_ASSERT(e->size >= SECTOR && e->size % SECTOR == 0);
        FUZZ_ASSERT(e->flags & NBD_FLAG_HAS_FLAGS);
        FUZZ_ASSERT(!e->min_block || (e->min_block <= MAX_REQUEST &&
                                      !(e->min_block & (e->min_block - 1))));
        FUZZ_ASSERT(!e->max_block || e->max_block >= MAX_REQUEST);
    }
    return ret == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    struct nbd_export e = { 0 };
    handshake(&in, &e);
    /* The rest as replies, whether or not the handshake held: a reply
     * decoder must not depend on anything before it. */
    for (uint8_t *r; (r = take(&in, NBD_REPLY_LEN));) {
        char why[WHY];
        struct nbd_reply rep;
        int ret = nbd_decode_reply(r, &rep, why, WHY);
        free(r);
        check_why(ret, why);
        FUZZ_ASSERT(ret == 0 || ret == -EPROTO);
        FUZZ_ASSERT(nbd_error_name(rep.error) != NULL);
    }
    return 0;
}
