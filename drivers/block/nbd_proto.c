/*
 * nbd_proto.c - building and judging the NBD protocol's bytes (see
 * nbd_proto.h).  Pure code: it runs on the host under the sanitizers too.
 */
#include "byteorder.h"
#include "kerrno.h"
#include "nbd_proto.h"
#include "vsprintf.h"

static size_t name_len(const char *name)
{
    size_t len = 0;
    while (len <= NBD_MAX_STRING && name[len])
        len++;
    return len;
}

int nbd_parse_greeting(const uint8_t buf[NBD_GREETING_LEN], uint16_t *hs_flags,
                       char *why, size_t n)
{
    uint64_t magic = get_be(buf, 8), opts = get_be(buf + 8, 8);
    if (magic != NBD_INIT_MAGIC)
        return why_fail(why, n, -EPROTO, "greeting magic 0x%016llx is not NBDMAGIC",
                    (unsigned long long)magic);
    if (opts == NBD_CLISERV_MAGIC)
        return why_fail(why, n, -EINVAL, "oldstyle server: only the newstyle handshake is spoken");
    if (opts != NBD_OPTS_MAGIC)
        return why_fail(why, n, -EPROTO, "greeting's second magic 0x%016llx is not IHAVEOPT",
                    (unsigned long long)opts);
    *hs_flags = (uint16_t)get_be(buf + 16, 2);
    why_clear(why, n);
    return 0;
}

uint32_t nbd_client_flags(uint16_t hs_flags)
{
    uint32_t flags = 0;
    if (hs_flags & NBD_FLAG_FIXED_NEWSTYLE)
        flags |= NBD_FLAG_C_FIXED_NEWSTYLE;
    if (hs_flags & NBD_FLAG_NO_ZEROES)
        flags |= NBD_FLAG_C_NO_ZEROES;
    return flags;
}

void nbd_encode_client_flags(uint8_t buf[NBD_CLIENT_FLAGS_LEN], uint32_t flags)
{
    put_be(buf, flags, NBD_CLIENT_FLAGS_LEN);
}

/* The option header and then the name; data_extra bytes of the caller's
 * follow the name.  Returns where they go, or NULL (with *err set). */
static uint8_t *encode_option(uint8_t *buf, size_t cap, uint32_t option, const char *name,
                              uint32_t name_prefix, uint32_t data_extra, int *err)
{
    size_t len = name_len(name);
    if (len > NBD_MAX_STRING) {
        *err = -EINVAL;
        return NULL;
    }
    size_t data = name_prefix + len + data_extra;
    if (cap < NBD_OPT_HEADER_LEN + data) {
        *err = -E2BIG;
        return NULL;
    }
    uint8_t *p = put_be(buf, NBD_OPTS_MAGIC, 8);
    p = put_be(p, option, 4);
    p = put_be(p, data, 4);
    if (name_prefix)
        p = put_be(p, len, name_prefix);
    for (size_t i = 0; i < len; i++)
        *p++ = (uint8_t)name[i];
    *err = (int)(NBD_OPT_HEADER_LEN + data);
    return p;
}

/* NBD_OPT_GO's data: name length (32 bits), name, number of info
 * requests (16 bits), the requests (16 bits each). */
#define GO_NAME_LEN_BYTES   4
#define GO_INFO_COUNT_BYTES 2
#define GO_INFO_BYTES       2
static const uint16_t go_infos[] = { NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE };
#define GO_NR_INFOS         (sizeof(go_infos) / sizeof(go_infos[0]))

int nbd_encode_opt_go(uint8_t *buf, size_t cap, const char *name)
{
    int ret;
    uint8_t *p = encode_option(buf, cap, NBD_OPT_GO, name, GO_NAME_LEN_BYTES,
                               GO_INFO_COUNT_BYTES + GO_NR_INFOS * GO_INFO_BYTES, &ret);
    if (!p)
        return ret;
    p = put_be(p, GO_NR_INFOS, GO_INFO_COUNT_BYTES);
    for (size_t i = 0; i < GO_NR_INFOS; i++)
        p = put_be(p, go_infos[i], GO_INFO_BYTES);
    return ret;
}

int nbd_encode_opt_export_name(uint8_t *buf, size_t cap, const char *name)
{
    int ret;
    encode_option(buf, cap, NBD_OPT_EXPORT_NAME, name, 0, 0, &ret);
    return ret;
}

int nbd_parse_opt_reply_header(const uint8_t buf[NBD_OPT_REPLY_HEADER_LEN], uint32_t option,
                               struct nbd_opt_reply *r, char *why, size_t n)
{
    uint64_t magic = get_be(buf, 8);
    r->option = (uint32_t)get_be(buf + 8, 4);
    r->type = (uint32_t)get_be(buf + 12, 4);
    r->len = (uint32_t)get_be(buf + 16, 4);
    if (magic != NBD_OPT_REPLY_MAGIC)
        return why_fail(why, n, -EPROTO, "option reply magic 0x%016llx is wrong",
                    (unsigned long long)magic);
    if (r->option != option)
        return why_fail(why, n, -EPROTO, "option reply for option %u, but %u was asked",
                    r->option, option);
    if (r->len > NBD_OPT_REPLY_MAX_LEN)
        return why_fail(why, n, -EPROTO, "option reply (type 0x%x) claims %u bytes of data, "
                    "more than the %u the protocol allows", r->type, r->len,
                    NBD_OPT_REPLY_MAX_LEN);
    why_clear(why, n);
    return 0;
}

static const char *rep_error_name(uint32_t type)
{
    switch (type) {
    case NBD_REP_ERR_UNSUP: return "NBD_REP_ERR_UNSUP";
    case NBD_REP_ERR_POLICY: return "NBD_REP_ERR_POLICY";
    case NBD_REP_ERR_INVALID: return "NBD_REP_ERR_INVALID";
    case NBD_REP_ERR_PLATFORM: return "NBD_REP_ERR_PLATFORM";
    case NBD_REP_ERR_TLS_REQD: return "NBD_REP_ERR_TLS_REQD";
    case NBD_REP_ERR_UNKNOWN: return "NBD_REP_ERR_UNKNOWN";
    case NBD_REP_ERR_SHUTDOWN: return "NBD_REP_ERR_SHUTDOWN";
    case NBD_REP_ERR_BLOCK_SIZE_REQD: return "NBD_REP_ERR_BLOCK_SIZE_REQD";
    case NBD_REP_ERR_TOO_BIG: return "NBD_REP_ERR_TOO_BIG";
    default: return "an unknown error";
    }
}

/* The server's message, shown with anything unprintable as '?': it is
 * hostile text on its way to the console. */
#define MESSAGE_SHOWN 80
static int refused(const struct nbd_opt_reply *r, const uint8_t *data, char *why, size_t n)
{
    char msg[MESSAGE_SHOWN + 1];
    uint32_t len = r->len < MESSAGE_SHOWN ? r->len : MESSAGE_SHOWN;
    for (uint32_t i = 0; i < len; i++)
        msg[i] = data[i] >= ' ' && data[i] < 0x7f ? (char)data[i] : '?';
    msg[len] = '\0';
    int err = r->type == NBD_REP_ERR_UNKNOWN || r->type == NBD_REP_ERR_POLICY ? -ENOENT
                                                                                 : -EINVAL;
    return why_fail(why, n, err, "server refused NBD_OPT_GO: %s (0x%x): \"%s\"",
                rep_error_name(r->type), r->type, msg);
}

static int go_info(struct nbd_export *e, const struct nbd_opt_reply *r, const uint8_t *data,
                   char *why, size_t n)
{
    if (r->len < 2)
        return why_fail(why, n, -EPROTO, "NBD_REP_INFO of %u bytes has no info type", r->len);
    uint16_t info = (uint16_t)get_be(data, 2);
    uint32_t want = info == NBD_INFO_EXPORT ? NBD_INFO_EXPORT_LEN
                  : info == NBD_INFO_BLOCK_SIZE ? NBD_INFO_BLOCK_SIZE_LEN : 0;
    if (!want)
        return NBD_GO_MORE;     /* a name or description: the protocol lets us ignore it */
    if (r->len != want)
        return why_fail(why, n, -EPROTO, "NBD_REP_INFO type %u is %u bytes long, not %u",
                    info, r->len, want);
    if (info == NBD_INFO_EXPORT) {
        e->size = get_be(data + 2, 8);
        e->flags = (uint16_t)get_be(data + 10, 2);
        e->have_export = true;
    } else {
        e->min_block = (uint32_t)get_be(data + 2, 4);
        e->pref_block = (uint32_t)get_be(data + 6, 4);
        e->max_block = (uint32_t)get_be(data + 10, 4);
    }
    return NBD_GO_MORE;
}

int nbd_go_reply(struct nbd_export *e, const struct nbd_opt_reply *r, const uint8_t *data,
                 char *why, size_t n)
{
    why_clear(why, n);
    if (r->type == NBD_REP_ERR_UNSUP)
        return NBD_GO_UNSUPPORTED;
    if (r->type & NBD_REP_FLAG_ERROR)
        return refused(r, data, why, n);
    if (r->type == NBD_REP_INFO)
        return go_info(e, r, data, why, n);
    if (r->type != NBD_REP_ACK)
        return why_fail(why, n, -EPROTO, "unexpected option reply type 0x%x to NBD_OPT_GO",
                    r->type);
    if (r->len)
        return why_fail(why, n, -EPROTO, "NBD_REP_ACK carries %u bytes of data", r->len);
    if (!e->have_export)
        return why_fail(why, n, -EPROTO, "NBD_REP_ACK before any NBD_INFO_EXPORT");
    return NBD_GO_DONE;
}

uint32_t nbd_export_name_reply_len(uint32_t client_flags)
{
    return NBD_EXPORT_NAME_REPLY_LEN +
           (client_flags & NBD_FLAG_C_NO_ZEROES ? 0 : NBD_EXPORT_NAME_ZEROES);
}

int nbd_parse_export_name_reply(const uint8_t *buf, uint32_t len, struct nbd_export *e,
                                char *why, size_t n)
{
    if (len < NBD_EXPORT_NAME_REPLY_LEN)
        return why_fail(why, n, -EINVAL, "export name reply buffer of %u bytes is too short", len);
    e->size = get_be(buf, 8);
    e->flags = (uint16_t)get_be(buf + 8, 2);
    e->have_export = true;
    why_clear(why, n);
    return 0;
}

static bool power_of_two(uint32_t x) { return x && !(x & (x - 1)); }

int nbd_check_export(const struct nbd_export *e, uint32_t sector_size, uint32_t max_request,
                     char *why, size_t n)
{
    if (!e->have_export)
        return why_fail(why, n, -EPROTO, "no export information");
    if (!(e->flags & NBD_FLAG_HAS_FLAGS))
        return why_fail(why, n, -EPROTO, "transmission flags 0x%x lack NBD_FLAG_HAS_FLAGS",
                    e->flags);
    if (e->size < sector_size || e->size % sector_size)
        return why_fail(why, n, -EINVAL, "export size %llu is not a whole number of %u-byte "
                    "sectors", (unsigned long long)e->size, sector_size);
    if (e->min_block && (!power_of_two(e->min_block) || e->min_block > max_request))
        return why_fail(why, n, -EINVAL, "minimum block size %u is not a power of two up to %u",
                    e->min_block, max_request);
    if (e->max_block && e->max_block < max_request)
        return why_fail(why, n, -EINVAL, "maximum block size %u is below the %u bytes a request "
                    "may carry", e->max_block, max_request);
    why_clear(why, n);
    return 0;
}

void nbd_encode_request(uint8_t buf[NBD_REQUEST_LEN], const struct nbd_request *rq)
{
    uint8_t *p = put_be(buf, NBD_REQUEST_MAGIC, 4);
    p = put_be(p, rq->flags, 2);
    p = put_be(p, rq->type, 2);
    p = put_be(p, rq->cookie, 8);
    p = put_be(p, rq->offset, 8);
    put_be(p, rq->len, 4);
}

int nbd_decode_reply(const uint8_t buf[NBD_REPLY_LEN], struct nbd_reply *r, char *why, size_t n)
{
    uint32_t magic = (uint32_t)get_be(buf, 4);
    r->error = (uint32_t)get_be(buf + 4, 4);
    r->cookie = get_be(buf + 8, 8);
    if (magic == NBD_STRUCTURED_REPLY_MAGIC)
        return why_fail(why, n, -EPROTO, "structured reply (magic 0x%08x), never negotiated",
                        magic);
    if (magic != NBD_SIMPLE_REPLY_MAGIC)
        return why_fail(why, n, -EPROTO, "reply magic 0x%08x is wrong", magic);
    why_clear(why, n);
    return 0;
}

const char *nbd_error_name(uint32_t error)
{
    switch (error) {
    case 0: return "no error";
    case NBD_EPERM: return "EPERM";
    case NBD_EIO: return "EIO";
    case NBD_ENOMEM: return "ENOMEM";
    case NBD_EINVAL: return "EINVAL";
    case NBD_ENOSPC: return "ENOSPC";
    case NBD_EOVERFLOW: return "EOVERFLOW";
    case NBD_ENOTSUP: return "ENOTSUP";
    case NBD_ESHUTDOWN: return "ESHUTDOWN";
    default: return "unknown";
    }
}

const char *nbd_cmd_name(uint16_t type)
{
    switch (type) {
    case NBD_CMD_READ: return "read";
    case NBD_CMD_WRITE: return "write";
    case NBD_CMD_DISC: return "disconnect";
    case NBD_CMD_FLUSH: return "flush";
    case NBD_CMD_TRIM: return "trim";
    default: return "unknown";
    }
}
