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

/* The replies to NBD_OPT_GO, as the client judges them. */
static void test_go_replies(void)
{
    uint8_t hdr[NBD_OPT_REPLY_HEADER_LEN], info[NBD_INFO_BLOCK_SIZE_LEN];
    struct nbd_export e = { 0 };
    struct nbd_opt_reply r;
    nbdsrv_encode_info_export(info, 1u << 20, NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH);
    nbdsrv_encode_opt_reply(hdr, NBD_OPT_GO, NBD_REP_INFO, NBD_INFO_EXPORT_LEN);
    CHECK_INT(nbd_parse_opt_reply_header(hdr, NBD_OPT_GO, &r, why, WHY), 0);
    CHECK_INT(nbd_go_reply(&e, &r, info, why, WHY), NBD_GO_MORE);
    CHECK_INT(e.size, 1u << 20);
    nbdsrv_encode_info_block_size(info, 512, 4096, 1u << 16);
    nbdsrv_encode_opt_reply(hdr, NBD_OPT_GO, NBD_REP_INFO, NBD_INFO_BLOCK_SIZE_LEN);
    CHECK_INT(nbd_parse_opt_reply_header(hdr, NBD_OPT_GO, &r, why, WHY), 0);
    CHECK_INT(nbd_go_reply(&e, &r, info, why, WHY), NBD_GO_MORE);
    CHECK_INT(e.pref_block, 4096);
    nbdsrv_encode_opt_reply(hdr, NBD_OPT_GO, NBD_REP_ACK, 0);
    CHECK_INT(nbd_parse_opt_reply_header(hdr, NBD_OPT_GO, &r, why, WHY), 0);
    CHECK_INT(nbd_go_reply(&e, &r, NULL, why, WHY), NBD_GO_DONE);
    CHECK_INT(nbd_check_export(&e, 512, 1u << 16, why, WHY), 0);
    nbdsrv_encode_opt_reply(hdr, NBD_OPT_GO, NBD_REP_ERR_UNKNOWN, 0);
    CHECK_INT(nbd_parse_opt_reply_header(hdr, NBD_OPT_GO, &r, why, WHY), 0);
    CHECK_INT(nbd_go_reply(&e, &r, (const uint8_t *)"", why, WHY), -ENOENT);
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
    test_go_replies();
    test_export_name();
    test_requests();
    return check_exit("test_nbdsrv_proto");
}
