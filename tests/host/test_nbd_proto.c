/*
 * test_nbd_proto.c - drivers/block/nbd_proto.c: the bytes it builds
 * compared with the protocol document's layouts, its judgement of good
 * and lying server messages, and a whole session with a real server:
 * nbdkit's memory plugin on a socket pair (nbdkit -s), spoken to with
 * nothing but these functions -- fixed-newstyle handshake, NBD_OPT_GO,
 * a write, a read back, a flush and a disconnect.
 *
 * Needs nbdkit for the last part (skipped with a note when missing).
 * Links with: drivers/block/nbd_proto.c lib/vsprintf.c
 * Usage: test_nbd_proto
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "nbd_proto.h"

#define WHY 200
static char why[WHY];

static void put64(uint8_t *p, uint64_t v) { for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void test_greeting(void)
{
    uint8_t g[NBD_GREETING_LEN];
    uint16_t flags = 0;
    put64(g, NBD_INIT_MAGIC);
    put64(g + 8, NBD_OPTS_MAGIC);
    put16(g + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
    CHECK_INT(nbd_parse_greeting(g, &flags, why, WHY), 0);
    CHECK_INT(flags, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
    CHECK_INT(nbd_client_flags(flags), NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
    CHECK_INT(nbd_client_flags(NBD_FLAG_FIXED_NEWSTYLE), NBD_FLAG_C_FIXED_NEWSTYLE);
    CHECK_INT(nbd_export_name_reply_len(NBD_FLAG_C_NO_ZEROES), 10);
    CHECK_INT(nbd_export_name_reply_len(0), 134);

    put64(g + 8, NBD_CLISERV_MAGIC);
    CHECK_INT(nbd_parse_greeting(g, &flags, why, WHY), -EINVAL);
    CHECK(strstr(why, "oldstyle") != NULL);
    put64(g + 8, 0x1122334455667788ull);
    CHECK_INT(nbd_parse_greeting(g, &flags, why, WHY), -EPROTO);
    CHECK_STR(why, "greeting's second magic 0x1122334455667788 is not IHAVEOPT");
    g[0] ^= 1;
    CHECK_INT(nbd_parse_greeting(g, &flags, why, WHY), -EPROTO);
    CHECK(strstr(why, "is not NBDMAGIC") != NULL);

    uint8_t cf[4];
    nbd_encode_client_flags(cf, 3);
    CHECK(memcmp(cf, "\0\0\0\3", 4) == 0);
}

static void test_options(void)
{
    uint8_t buf[64];
    /* IHAVEOPT, option 7, length 4+3+2+2*2, name length, "abc", 2 infos: 0 and 3 */
    static const uint8_t go[] = { 'I', 'H', 'A', 'V', 'E', 'O', 'P', 'T', 0, 0, 0, 7,
                                  0, 0, 0, 13, 0, 0, 0, 3, 'a', 'b', 'c', 0, 2, 0, 0, 0, 3 };
    CHECK_INT(nbd_encode_opt_go(buf, sizeof(buf), "abc"), sizeof(go));
    CHECK(memcmp(buf, go, sizeof(go)) == 0);
    CHECK_INT(nbd_encode_opt_go(buf, sizeof(go) - 1, "abc"), -E2BIG);
    static const uint8_t en[] = { 'I', 'H', 'A', 'V', 'E', 'O', 'P', 'T', 0, 0, 0, 1,
                                  0, 0, 0, 2, 'x', 'y' };
    CHECK_INT(nbd_encode_opt_export_name(buf, sizeof(buf), "xy"), sizeof(en));
    CHECK(memcmp(buf, en, sizeof(en)) == 0);
    CHECK_INT(nbd_encode_opt_export_name(buf, sizeof(buf), ""), NBD_OPT_HEADER_LEN);

    char *huge = malloc(NBD_MAX_STRING + 2);
    memset(huge, 'n', NBD_MAX_STRING + 1);
    huge[NBD_MAX_STRING + 1] = '\0';
    uint8_t *big = malloc(2 * NBD_MAX_STRING);
    CHECK_INT(nbd_encode_opt_go(big, 2 * NBD_MAX_STRING, huge), -EINVAL);
    huge[NBD_MAX_STRING] = '\0';
    CHECK_INT(nbd_encode_opt_export_name(big, 2 * NBD_MAX_STRING, huge),
              NBD_OPT_HEADER_LEN + NBD_MAX_STRING);
    free(big);
    free(huge);
}

static void make_reply_header(uint8_t *h, uint32_t option, uint32_t type, uint32_t len)
{
    put64(h, NBD_OPT_REPLY_MAGIC);
    put32(h + 8, option);
    put32(h + 12, type);
    put32(h + 16, len);
}

static void test_opt_reply_header(void)
{
    uint8_t h[NBD_OPT_REPLY_HEADER_LEN];
    struct nbd_opt_reply r;
    make_reply_header(h, NBD_OPT_GO, NBD_REP_INFO, 12);
    CHECK_INT(nbd_parse_opt_reply_header(h, NBD_OPT_GO, &r, why, WHY), 0);
    CHECK_INT(r.type, NBD_REP_INFO);
    CHECK_INT(r.len, 12);
    CHECK_INT(nbd_parse_opt_reply_header(h, NBD_OPT_EXPORT_NAME, &r, why, WHY), -EPROTO);
    CHECK_STR(why, "option reply for option 7, but 1 was asked");
    make_reply_header(h, NBD_OPT_GO, NBD_REP_INFO, NBD_OPT_REPLY_MAX_LEN + 1);
    CHECK_INT(nbd_parse_opt_reply_header(h, NBD_OPT_GO, &r, why, WHY), -EPROTO);
    CHECK(strstr(why, "claims 4099 bytes") != NULL);
    make_reply_header(h, NBD_OPT_GO, NBD_REP_INFO, NBD_OPT_REPLY_MAX_LEN);
    CHECK_INT(nbd_parse_opt_reply_header(h, NBD_OPT_GO, &r, why, WHY), 0);
    h[7] ^= 0x10;
    CHECK_INT(nbd_parse_opt_reply_header(h, NBD_OPT_GO, &r, why, WHY), -EPROTO);
    CHECK(strstr(why, "option reply magic") != NULL);
}

static int go(struct nbd_export *e, uint32_t type, const uint8_t *data, uint32_t len)
{
    struct nbd_opt_reply r = { NBD_OPT_GO, type, len };
    return nbd_go_reply(e, &r, data, why, WHY);
}

static void test_go_replies(void)
{
    struct nbd_export e = { 0 };
    uint8_t info[NBD_INFO_BLOCK_SIZE_LEN + 1];
    CHECK_INT(go(&e, NBD_REP_ACK, NULL, 0), -EPROTO);
    CHECK_STR(why, "NBD_REP_ACK before any NBD_INFO_EXPORT");

    put16(info, NBD_INFO_EXPORT);
    put64(info + 2, 1 << 20);
    put16(info + 10, NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH);
    CHECK_INT(go(&e, NBD_REP_INFO, info, NBD_INFO_EXPORT_LEN + 1), -EPROTO);
    CHECK_STR(why, "NBD_REP_INFO type 0 is 13 bytes long, not 12");
    CHECK(!e.have_export);
    CHECK_INT(go(&e, NBD_REP_INFO, info, NBD_INFO_EXPORT_LEN), NBD_GO_MORE);
    CHECK(e.have_export);
    CHECK_INT(e.size, 1 << 20);
    CHECK_INT(e.flags, NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH);

    put16(info, NBD_INFO_BLOCK_SIZE);
    put32(info + 2, 512);
    put32(info + 6, 4096);
    put32(info + 10, 1 << 25);
    CHECK_INT(go(&e, NBD_REP_INFO, info, NBD_INFO_BLOCK_SIZE_LEN - 1), -EPROTO);
    CHECK_INT(go(&e, NBD_REP_INFO, info, NBD_INFO_BLOCK_SIZE_LEN), NBD_GO_MORE);
    CHECK_INT(e.min_block, 512);
    CHECK_INT(e.pref_block, 4096);
    CHECK_INT(e.max_block, 1 << 25);

    put16(info, NBD_INFO_DESCRIPTION);         /* ignored, any length */
    CHECK_INT(go(&e, NBD_REP_INFO, info, 5), NBD_GO_MORE);
    CHECK_INT(go(&e, NBD_REP_INFO, info, 1), -EPROTO);
    CHECK_INT(go(&e, 42, NULL, 0), -EPROTO);
    CHECK_INT(go(&e, NBD_REP_ACK, info, 1), -EPROTO);
    CHECK_STR(why, "NBD_REP_ACK carries 1 bytes of data");
    CHECK_INT(go(&e, NBD_REP_ACK, NULL, 0), NBD_GO_DONE);

    CHECK_INT(go(&e, NBD_REP_ERR_UNSUP, NULL, 0), NBD_GO_UNSUPPORTED);
    const uint8_t msg[] = "no such\nexport";
    CHECK_INT(go(&e, NBD_REP_ERR_UNKNOWN, msg, sizeof(msg) - 1), -ENOENT);
    CHECK_STR(why, "server refused NBD_OPT_GO: NBD_REP_ERR_UNKNOWN (0x80000006): "
                   "\"no such?export\"");
    CHECK_INT(go(&e, NBD_REP_ERR_TLS_REQD, NULL, 0), -EINVAL);
    CHECK_INT(go(&e, NBD_REP_FLAG_ERROR | 77, NULL, 0), -EINVAL);
    CHECK(strstr(why, "an unknown error") != NULL);
}

static void test_export(void)
{
    uint8_t r[NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES] = { 0 };
    struct nbd_export e = { 0 };
    put64(r, 8 << 20);
    put16(r + 8, NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_TRIM);
    CHECK_INT(nbd_parse_export_name_reply(r, 9, &e, why, WHY), -EINVAL);
    CHECK_INT(nbd_parse_export_name_reply(r, sizeof(r), &e, why, WHY), 0);
    CHECK_INT(e.size, 8 << 20);
    CHECK_INT(e.flags, NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_TRIM);
    CHECK_INT(nbd_check_export(&e, 512, 65536, why, WHY), 0);

    struct nbd_export bad = e;
    bad.have_export = false;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EPROTO);
    bad = e;
    bad.flags = 0;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EPROTO);
    CHECK(strstr(why, "NBD_FLAG_HAS_FLAGS") != NULL);
    bad = e;
    bad.size = 1000;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EINVAL);
    CHECK_STR(why, "export size 1000 is not a whole number of 512-byte sectors");
    bad.size = 0;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EINVAL);
    bad = e;
    bad.min_block = 3000;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EINVAL);
    bad.min_block = 1 << 17;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EINVAL);
    bad.min_block = 4096;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), 0);
    bad.max_block = 32768;
    CHECK_INT(nbd_check_export(&bad, 512, 65536, why, WHY), -EINVAL);
    CHECK_STR(why, "maximum block size 32768 is below the 65536 bytes a request may carry");
}

static void test_transmission(void)
{
    uint8_t b[NBD_REQUEST_LEN];
    struct nbd_request rq = { NBD_CMD_FLAG_FUA, NBD_CMD_WRITE, nbd_cookie(5, 0x01020304),
                              0x1122334455ull, 0x10000 };
    static const uint8_t want[] = { 0x25, 0x60, 0x95, 0x13, 0, 1, 0, 1,
                                    1, 2, 3, 4, 0, 0, 0, 5,
                                    0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55,
                                    0, 1, 0, 0 };
    nbd_encode_request(b, &rq);
    CHECK(memcmp(b, want, sizeof(want)) == 0);
    CHECK_INT(nbd_cookie_slot(rq.cookie), 5);
    CHECK_INT(nbd_cookie_gen(rq.cookie), 0x01020304);

    uint8_t r[NBD_REPLY_LEN];
    struct nbd_reply rep;
    put32(r, NBD_SIMPLE_REPLY_MAGIC);
    put32(r + 4, NBD_ENOSPC);
    put64(r + 8, 0xdeadbeef00000007ull);
    CHECK_INT(nbd_decode_reply(r, &rep, why, WHY), 0);
    CHECK_INT(rep.error, NBD_ENOSPC);
    CHECK(rep.cookie == 0xdeadbeef00000007ull);
    CHECK_STR(nbd_error_name(rep.error), "ENOSPC");
    CHECK_STR(nbd_error_name(1234), "unknown");
    CHECK_STR(nbd_cmd_name(NBD_CMD_FLUSH), "flush");
    put32(r, NBD_STRUCTURED_REPLY_MAGIC);
    CHECK_INT(nbd_decode_reply(r, &rep, why, WHY), -EPROTO);
    CHECK(strstr(why, "structured reply") != NULL);
    put32(r, 0x12345678);
    CHECK_INT(nbd_decode_reply(r, &rep, why, WHY), -EPROTO);
    CHECK_STR(why, "reply magic 0x12345678 is wrong");
}

/* --- a session with nbdkit --- */

static bool xfer(int fd, void *buf, size_t len, bool send_it)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = send_it ? write(fd, (uint8_t *)buf + done, len - done)
                            : read(fd, (uint8_t *)buf + done, len - done);
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

#define SESSION_BYTES 8192
#define SESSION_EXPORT (1 << 20)

static void session(int fd)
{
    uint8_t buf[NBD_OPT_REPLY_MAX_LEN];
    uint16_t hs = 0;
    CHECK(xfer(fd, buf, NBD_GREETING_LEN, false));
    CHECK_INT(nbd_parse_greeting(buf, &hs, why, WHY), 0);
    CHECK(hs & NBD_FLAG_FIXED_NEWSTYLE);
    nbd_encode_client_flags(buf, nbd_client_flags(hs));
    CHECK(xfer(fd, buf, NBD_CLIENT_FLAGS_LEN, true));
    int len = nbd_encode_opt_go(buf, sizeof(buf), "");
    CHECK(len > 0 && xfer(fd, buf, (size_t)len, true));

    struct nbd_export e = { 0 };
    int step = NBD_GO_MORE;
    for (int replies = 0; step == NBD_GO_MORE && replies < 16; replies++) {
        struct nbd_opt_reply r;
        uint8_t h[NBD_OPT_REPLY_HEADER_LEN];
        CHECK(xfer(fd, h, sizeof(h), false));
        CHECK_INT(nbd_parse_opt_reply_header(h, NBD_OPT_GO, &r, why, WHY), 0);
        CHECK(xfer(fd, buf, r.len, false));
        step = nbd_go_reply(&e, &r, buf, why, WHY);
    }
    CHECK_INT(step, NBD_GO_DONE);
    CHECK_INT(e.size, SESSION_EXPORT);
    CHECK_INT(nbd_check_export(&e, 512, 65536, why, WHY), 0);
    CHECK_STR(why, "");
    CHECK(e.flags & NBD_FLAG_SEND_FLUSH);

    static uint8_t data[SESSION_BYTES], back[SESSION_BYTES];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 3);
    struct nbd_request w = { 0, NBD_CMD_WRITE, nbd_cookie(1, 9), 4096, SESSION_BYTES };
    struct nbd_request rd = { 0, NBD_CMD_READ, nbd_cookie(2, 9), 4096, SESSION_BYTES };
    struct nbd_request fl = { 0, NBD_CMD_FLUSH, nbd_cookie(3, 9), 0, 0 };
    struct nbd_request *rqs[] = { &w, &rd, &fl };
    for (size_t i = 0; i < ARRAY_SIZE(rqs); i++) {
        uint8_t rb[NBD_REQUEST_LEN], hb[NBD_REPLY_LEN];
        struct nbd_reply rep;
        nbd_encode_request(rb, rqs[i]);
        CHECK(xfer(fd, rb, sizeof(rb), true));
        if (rqs[i]->type == NBD_CMD_WRITE)
            CHECK(xfer(fd, data, sizeof(data), true));
        CHECK(xfer(fd, hb, sizeof(hb), false));
        CHECK_INT(nbd_decode_reply(hb, &rep, why, WHY), 0);
        CHECK_INT(rep.error, 0);
        CHECK(rep.cookie == rqs[i]->cookie);
        if (rqs[i]->type == NBD_CMD_READ)
            CHECK(xfer(fd, back, sizeof(back), false));
    }
    CHECK(memcmp(data, back, sizeof(data)) == 0);
    uint8_t rb[NBD_REQUEST_LEN];
    nbd_encode_request(rb, &(struct nbd_request){ 0, NBD_CMD_DISC, nbd_cookie(4, 9), 0, 0 });
    CHECK(xfer(fd, rb, sizeof(rb), true));
}

static void test_nbdkit_session(void)
{
    if (access("/usr/sbin/nbdkit", X_OK) && access("/usr/bin/nbdkit", X_OK)) {
        printf("skipped the nbdkit session: no nbdkit\n");
        return;
    }
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(sv[1], 0);
        dup2(sv[1], 1);
        close(sv[0]);
        alarm(20);              /* never outlive a wedged test */
        execlp("nbdkit", "nbdkit", "-s", "--exit-with-parent", "memory", "1M", (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    struct timeval tv = { .tv_sec = 10 };
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    session(sv[0]);
    close(sv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_greeting();
    test_options();
    test_opt_reply_header();
    test_go_replies();
    test_export();
    test_transmission();
    test_nbdkit_session();
    return check_exit("test_nbd_proto");
}
