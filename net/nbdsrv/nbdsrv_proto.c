/*
 * nbdsrv_proto.c - the server's side of the NBD protocol's bytes (see
 * nbdsrv_proto.h).  Pure code: it runs on the host under the sanitizers.
 */
#include "byteorder.h"
#include "kerrno.h"
#include "nbdsrv_proto.h"
#include "vsprintf.h"

void nbdsrv_encode_greeting(uint8_t buf[NBD_GREETING_LEN])
{
    put_be(put_be(put_be(buf, NBD_INIT_MAGIC, 8), NBD_OPTS_MAGIC, 8), NBDSRV_HS_FLAGS, 2);
}

int nbdsrv_parse_client_flags(const uint8_t buf[NBD_CLIENT_FLAGS_LEN], uint32_t *flags,
                              char *why, size_t n)
{
    *flags = (uint32_t)get_be(buf, NBD_CLIENT_FLAGS_LEN);
    if (*flags & ~(uint32_t)(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES))
        return why_fail(why, n, -EPROTO, "client flags 0x%x set bits the greeting never "
                        "offered", *flags);
    why_clear(why, n);
    return 0;
}

int nbdsrv_parse_opt_header(const uint8_t buf[NBD_OPT_HEADER_LEN], struct nbdsrv_opt *o,
                            char *why, size_t n)
{
    uint64_t magic = get_be(buf, 8);
    o->option = (uint32_t)get_be(buf + 8, 4);
    o->len = (uint32_t)get_be(buf + 12, 4);
    if (magic != NBD_OPTS_MAGIC)
        return why_fail(why, n, -EPROTO, "option magic 0x%016llx is not IHAVEOPT",
                        (unsigned long long)magic);
    if (o->len > NBDSRV_OPT_MAX_LEN)
        return why_fail(why, n, -EPROTO, "option %u claims %u bytes of data, more than the %u "
                        "accepted", o->option, o->len, NBDSRV_OPT_MAX_LEN);
    why_clear(why, n);
    return 0;
}

/* len bytes of name at p into name[cap], terminated. */
static int take_name(const uint8_t *p, uint32_t len, char *name, size_t cap, char *why, size_t n)
{
    if (len > NBD_MAX_STRING)
        return why_fail(why, n, -EPROTO, "export name of %u bytes is longer than the "
                        "protocol's %u", len, NBD_MAX_STRING);
    if (len >= cap)
        return why_fail(why, n, -EINVAL, "export name of %u bytes: this server's names are "
                        "shorter than %u", len, (unsigned)cap);
    for (uint32_t i = 0; i < len; i++)
        name[i] = (char)p[i];
    name[len] = '\0';
    why_clear(why, n);
    return 0;
}

#define GO_NAME_LEN_BYTES   4
#define GO_INFO_COUNT_BYTES 2
#define GO_INFO_BYTES       2

int nbdsrv_parse_go(const uint8_t *data, uint32_t len, char *name, size_t cap,
                    bool *wants_block_size, char *why, size_t n)
{
    *wants_block_size = false;
    if (len < GO_NAME_LEN_BYTES + GO_INFO_COUNT_BYTES)
        return why_fail(why, n, -EPROTO, "NBD_OPT_GO of %u bytes is too short", len);
    uint32_t name_len = (uint32_t)get_be(data, GO_NAME_LEN_BYTES);
    if (name_len > len - GO_NAME_LEN_BYTES - GO_INFO_COUNT_BYTES)
        return why_fail(why, n, -EPROTO, "NBD_OPT_GO names %u bytes of name in %u bytes",
                        name_len, len);
    const uint8_t *p = data + GO_NAME_LEN_BYTES + name_len;
    uint32_t infos = (uint32_t)get_be(p, GO_INFO_COUNT_BYTES);
    uint32_t rest = len - GO_NAME_LEN_BYTES - name_len - GO_INFO_COUNT_BYTES;
    if (rest != infos * GO_INFO_BYTES)
        return why_fail(why, n, -EPROTO, "NBD_OPT_GO asks for %u infos in %u bytes", infos,
                        rest);
    for (uint32_t i = 0; i < infos; i++)
        if (get_be(p + GO_INFO_COUNT_BYTES + i * GO_INFO_BYTES, GO_INFO_BYTES) ==
            NBD_INFO_BLOCK_SIZE)
            *wants_block_size = true;
    return take_name(data + GO_NAME_LEN_BYTES, name_len, name, cap, why, n);
}

int nbdsrv_parse_export_name(const uint8_t *data, uint32_t len, char *name, size_t cap,
                             char *why, size_t n)
{
    return take_name(data, len, name, cap, why, n);
}

void nbdsrv_encode_opt_reply(uint8_t buf[NBD_OPT_REPLY_HEADER_LEN], uint32_t option,
                             uint32_t type, uint32_t len)
{
    put_be(put_be(put_be(put_be(buf, NBD_OPT_REPLY_MAGIC, 8), option, 4), type, 4), len, 4);
}

/* The replies to an NBD_OPT_GO for an export the server has; their length. */
static uint32_t encode_go_answer(uint8_t *buf, const struct nbdsrv_export_info *ex,
                                 bool block_size)
{
    uint8_t *p = buf;
    nbdsrv_encode_opt_reply(p, NBD_OPT_GO, NBD_REP_INFO, NBD_INFO_EXPORT_LEN);
    p = put_be(p + NBD_OPT_REPLY_HEADER_LEN, NBD_INFO_EXPORT, 2);
    p = put_be(put_be(p, ex->size, 8), ex->flags, 2);
    if (block_size) {
        nbdsrv_encode_opt_reply(p, NBD_OPT_GO, NBD_REP_INFO, NBD_INFO_BLOCK_SIZE_LEN);
        p = put_be(p + NBD_OPT_REPLY_HEADER_LEN, NBD_INFO_BLOCK_SIZE, 2);
        p = put_be(put_be(put_be(p, ex->min_block, 4), ex->pref_block, 4), ex->max_block, 4);
    }
    nbdsrv_encode_opt_reply(p, NBD_OPT_GO, NBD_REP_ACK, 0);
    return (uint32_t)(p + NBD_OPT_REPLY_HEADER_LEN - buf);
}

/* The refusal's message, for the client's log. */
static const char no_such_export[] = "no such export";
_Static_assert(NBD_OPT_REPLY_HEADER_LEN + sizeof(no_such_export) <= NBDSRV_GO_ANSWER_MAX,
               "the refusal fits the answer's buffer");

bool nbdsrv_is_export(const char *asked, const char *name)
{
    if (!asked[0])
        return true;            /* "": the default export */
    while (*asked && *asked == *name)
        asked++, name++;
    return *asked == *name;
}

int nbdsrv_answer_go(const uint8_t *data, uint32_t len, const char *name,
                     const struct nbdsrv_export_info *ex, uint8_t buf[NBDSRV_GO_ANSWER_MAX],
                     char *asked, size_t cap, bool *accepted, char *why, size_t n)
{
    bool block_size;
    int ret = nbdsrv_parse_go(data, len, asked, cap, &block_size, why, n);
    *accepted = false;
    if (ret == -EPROTO)
        return ret;
    if (ret == 0 && nbdsrv_is_export(asked, name)) {
        *accepted = true;
        return (int)encode_go_answer(buf, ex, block_size);
    }
    if (ret == 0)
        why_fail(why, n, -ENOENT, "NBD_OPT_GO for \"%s\", not an export", asked);
    uint32_t msg = sizeof(no_such_export) - 1;
    nbdsrv_encode_opt_reply(buf, NBD_OPT_GO, NBD_REP_ERR_UNKNOWN, msg);
    for (uint32_t i = 0; i < msg; i++)
        buf[NBD_OPT_REPLY_HEADER_LEN + i] = (uint8_t)no_such_export[i];
    return (int)(NBD_OPT_REPLY_HEADER_LEN + msg);
}

uint32_t nbdsrv_encode_export_name_reply(uint8_t *buf, uint64_t size, uint16_t flags,
                                         uint32_t client_flags)
{
    uint8_t *p = put_be(put_be(buf, size, 8), flags, 2);
    uint32_t len = nbd_export_name_reply_len(client_flags);
    for (uint32_t i = NBD_EXPORT_NAME_REPLY_LEN; i < len; i++)
        *p++ = 0;
    return len;
}

int nbdsrv_parse_request(const uint8_t buf[NBD_REQUEST_LEN], struct nbd_request *rq,
                         char *why, size_t n)
{
    uint32_t magic = (uint32_t)get_be(buf, 4);
    rq->flags = (uint16_t)get_be(buf + 4, 2);
    rq->type = (uint16_t)get_be(buf + 6, 2);
    rq->cookie = get_be(buf + 8, 8);
    rq->offset = get_be(buf + 16, 8);
    rq->len = (uint32_t)get_be(buf + 24, 4);
    if (magic != NBD_REQUEST_MAGIC)
        return why_fail(why, n, -EPROTO, "request magic 0x%08x is wrong", magic);
    why_clear(why, n);
    return 0;
}

uint32_t nbdsrv_check_request(const struct nbd_request *rq, uint64_t size, uint32_t max_len,
                              uint32_t sector, uint16_t flags)
{
    bool io = rq->type == NBD_CMD_READ || rq->type == NBD_CMD_WRITE;
    if (!io && rq->type != NBD_CMD_FLUSH && rq->type != NBD_CMD_DISC)
        return NBD_EINVAL;
    if (rq->flags & ~(uint32_t)NBD_CMD_FLAG_FUA)
        return NBD_EINVAL;
    if (!io)
        return 0;
    if (rq->len == 0 || rq->len > max_len || rq->len % sector || rq->offset % sector)
        return NBD_EINVAL;
    if (rq->offset > size || rq->len > size - rq->offset)
        return NBD_ENOSPC;
    if (rq->type == NBD_CMD_WRITE && (flags & NBD_FLAG_READ_ONLY))
        return NBD_EPERM;
    return 0;
}

void nbdsrv_encode_reply(uint8_t buf[NBD_REPLY_LEN], uint32_t error, uint64_t cookie)
{
    put_be(put_be(put_be(buf, NBD_SIMPLE_REPLY_MAGIC, 4), error, 4), cookie, 8);
}
