/*
 * test_nbdsrv_proto.c - net/nbdsrv/nbdsrv_proto.c, the server's side of
 * the NBD framing, checked against the client's (nbd_proto.c): every
 * message one end builds, the other end's parser must accept with the
 * same values, and what a lying client sends is refused.
 *
 * Links with: net/nbdsrv/nbdsrv_proto.c drivers/block/nbd_proto.c lib/vsprintf.c
 * Usage: test_nbdsrv_proto
 */
#include <errno.h>
#include <string.h>
#include "check.h"
#include "nbdsrv_proto.h"

#define WHY 200
#define NAME_CAP 64
static char why[WHY];

static void test_greeting_and_flags(void)
{
    uint8_t g[NBD_GREETING_LEN], f[NBD_CLIENT_FLAGS_LEN];
    uint16_t hs = 0;
    uint32_t flags = 0;
    nbdsrv_encode_greeting(g);
    CHECK_INT(nbd_parse_greeting(g, &hs, why, WHY), 0);
    CHECK_INT(hs, NBDSRV_HS_FLAGS);
    nbd_encode_client_flags(f, nbd_client_flags(hs));
    CHECK_INT(nbdsrv_parse_client_flags(f, &flags, why, WHY), 0);
    CHECK_INT(flags, NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
    nbd_encode_client_flags(f, 0x80000001u);
    CHECK_INT(nbdsrv_parse_client_flags(f, &flags, why, WHY), -EPROTO);
    CHECK(strstr(why, "0x80000001") != NULL);
}

static void test_go_round_trip(void)
{
    uint8_t opt[NBD_OPT_HEADER_LEN + 4 + 16 + 2 + 4];
    char name[NAME_CAP];
    bool bs = false;
    struct nbdsrv_opt o;
    int len = nbd_encode_opt_go(opt, sizeof(opt), "hda");
    CHECK(len > NBD_OPT_HEADER_LEN);
    CHECK_INT(nbdsrv_parse_opt_header(opt, &o, why, WHY), 0);
    CHECK_INT(o.option, NBD_OPT_GO);
    CHECK_INT(o.len, len - NBD_OPT_HEADER_LEN);
    CHECK_INT(nbdsrv_parse_go(opt + NBD_OPT_HEADER_LEN, o.len, name, sizeof(name), &bs, why,
                              WHY), 0);
    CHECK_STR(name, "hda");
    CHECK(bs);
    /* A name length that reaches past the data, and one info too many. */
    CHECK_INT(nbdsrv_parse_go(opt + NBD_OPT_HEADER_LEN, 5, name, sizeof(name), &bs, why, WHY),
              -EPROTO);
    CHECK_INT(nbdsrv_parse_go(opt + NBD_OPT_HEADER_LEN, o.len - 2, name, sizeof(name), &bs,
                              why, WHY), -EPROTO);
    CHECK(strstr(why, "infos") != NULL);
    /* A name too long for the server's buffer is valid NBD it refuses. */
    CHECK_INT(nbdsrv_parse_go(opt + NBD_OPT_HEADER_LEN, o.len, name, 3, &bs, why, WHY), -EINVAL);
    opt[0] ^= 1;
    CHECK_INT(nbdsrv_parse_opt_header(opt, &o, why, WHY), -EPROTO);
}

static void test_option_length_limit(void)
{
    uint8_t opt[NBD_OPT_HEADER_LEN + 8];
    struct nbdsrv_opt o;
    CHECK(nbd_encode_opt_export_name(opt, sizeof(opt), "x") > 0);
    opt[12] = 0x7f;                     /* the length's top byte: a lie */
    CHECK_INT(nbdsrv_parse_opt_header(opt, &o, why, WHY), -EPROTO);
    CHECK(strstr(why, "claims") != NULL);
}

/* A client's NBD_OPT_GO for name through the client's encoder, answered
 * by nbdsrv_answer_go for a server whose export is "hda"; the answer is
 * judged by the client's parser reply by reply, with nothing left over.
 * Returns the client's last verdict. */
static int go_exchange(const char *name, struct nbd_export *e, bool *accepted, int *replies)
{
    const struct nbdsrv_export_info ex = {
        .size = 1u << 20, .flags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH,
        .min_block = 512, .pref_block = 4096, .max_block = 1u << 16,
    };
    uint8_t opt[NBD_OPT_HEADER_LEN + 64], buf[NBDSRV_GO_ANSWER_MAX];
    char asked[NAME_CAP];
    struct nbdsrv_opt o;
    CHECK(nbd_encode_opt_go(opt, sizeof(opt), name) > 0);
    CHECK_INT(nbdsrv_parse_opt_header(opt, &o, why, WHY), 0);
    int len = nbdsrv_answer_go(opt + NBD_OPT_HEADER_LEN, o.len, "hda", &ex, buf, asked,
                               sizeof(asked), accepted, why, WHY);
    CHECK(len > 0 && len <= (int)sizeof(buf));
    CHECK_INT(strcmp(asked, name), 0);
    struct nbd_opt_reply r;
    int at = 0, step = NBD_GO_MORE;
    *e = (struct nbd_export){ 0 };
    *replies = 0;
    while (step == NBD_GO_MORE && at + NBD_OPT_REPLY_HEADER_LEN <= len) {
        CHECK_INT(nbd_parse_opt_reply_header(buf + at, NBD_OPT_GO, &r, why, WHY), 0);
        at += NBD_OPT_REPLY_HEADER_LEN;
        step = nbd_go_reply(e, &r, buf + at, why, WHY);
        at += (int)r.len;
        (*replies)++;
    }
    CHECK_INT(at, len);
    return step;
}

/* The answers to NBD_OPT_GO: the export by its name and as "" (info,
 * block sizes, ACK: the client accepts the export), and a refusal the
 * client reports as no such export. */
static void test_go_answers(void)
{
    struct nbd_export e;
    bool accepted;
    int replies;
    CHECK_INT(go_exchange("hda", &e, &accepted, &replies), NBD_GO_DONE);
    CHECK(accepted);
    CHECK_INT(replies, 3);              /* the client asks for the block sizes */
    CHECK_INT(e.size, 1u << 20);
    CHECK_INT(e.pref_block, 4096);
    CHECK_INT(nbd_check_export(&e, 512, 1u << 16, why, WHY), 0);
    CHECK_INT(go_exchange("", &e, &accepted, &replies), NBD_GO_DONE);
    CHECK(accepted);
    CHECK_INT(go_exchange("hdb", &e, &accepted, &replies), -ENOENT);
    CHECK(!accepted);
    CHECK(strstr(why, "no such export") != NULL);
    CHECK(nbdsrv_is_export("", "hda") && nbdsrv_is_export("hda", "hda"));
    CHECK(!nbdsrv_is_export("hd", "hda") && !nbdsrv_is_export("hdab", "hda"));
}

static void test_export_name(void)
{
    uint8_t opt[NBD_OPT_HEADER_LEN + 8], reply[NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES];
    char name[NAME_CAP];
    struct nbdsrv_opt o;
    struct nbd_export e = { 0 };
    nbd_encode_opt_export_name(opt, sizeof(opt), "ram0");
    CHECK_INT(nbdsrv_parse_opt_header(opt, &o, why, WHY), 0);
    CHECK_INT(nbdsrv_parse_export_name(opt + NBD_OPT_HEADER_LEN, o.len, name, sizeof(name),
                                       why, WHY), 0);
    CHECK_STR(name, "ram0");
    CHECK_INT(nbdsrv_encode_export_name_reply(reply, 8192, NBD_FLAG_HAS_FLAGS, 0),
              NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES);
    uint32_t len = nbdsrv_encode_export_name_reply(reply, 8192, NBD_FLAG_HAS_FLAGS,
                                                   NBD_FLAG_C_NO_ZEROES);
    CHECK_INT(len, NBD_EXPORT_NAME_REPLY_LEN);
    CHECK_INT(nbd_parse_export_name_reply(reply, len, &e, why, WHY), 0);
    CHECK_INT(e.size, 8192);
}

static void test_requests(void)
{
    uint8_t buf[NBD_REQUEST_LEN], rep[NBD_REPLY_LEN];
    struct nbd_request rq = { NBD_CMD_FLAG_FUA, NBD_CMD_WRITE, 0x1234567890ull, 4096, 8192 },
                       got;
    struct nbd_reply r;
    nbd_encode_request(buf, &rq);
    CHECK_INT(nbdsrv_parse_request(buf, &got, why, WHY), 0);
    CHECK_INT(got.type, NBD_CMD_WRITE);
    CHECK_INT(got.cookie, rq.cookie);
    CHECK_INT(got.offset, 4096);
    CHECK_INT(got.len, 8192);
    CHECK(nbdsrv_request_has_data(&got));
    const uint64_t size = 1u << 20;
    const uint32_t max = 1u << 16;
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), 0);
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, NBD_FLAG_READ_ONLY), NBD_EPERM);
    got.offset = size - 512;
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), NBD_ENOSPC);
    got.offset = UINT64_MAX - 511;      /* offset + len wraps: still past the end */
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), NBD_ENOSPC);
    got.offset = 0;
    got.len = 100;
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), NBD_EINVAL);
    got.len = max * 2;
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), NBD_EINVAL);
    got.type = NBD_CMD_TRIM;
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), NBD_EINVAL);
    got = (struct nbd_request){ .type = NBD_CMD_FLUSH };
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), 0);
    got.flags = 0x8000;
    CHECK_INT(nbdsrv_check_request(&got, size, max, 512, 0), NBD_EINVAL);
    buf[0] ^= 0xff;
    CHECK_INT(nbdsrv_parse_request(buf, &got, why, WHY), -EPROTO);
    nbdsrv_encode_reply(rep, NBD_ENOSPC, rq.cookie);
    CHECK_INT(nbd_decode_reply(rep, &r, why, WHY), 0);
    CHECK_INT(r.error, NBD_ENOSPC);
    CHECK_INT(r.cookie, rq.cookie);
}

int main(void)
{
    test_greeting_and_flags();
    test_go_round_trip();
    test_option_length_limit();
    test_go_answers();
    test_export_name();
    test_requests();
    return check_exit("test_nbdsrv_proto");
}
