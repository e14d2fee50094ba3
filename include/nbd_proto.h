/*
 * nbd_proto.h - the NBD protocol's bytes: the fixed-newstyle handshake and
 * the requests and simple replies of the transmission phase.
 *
 * Names and values follow the protocol document (NetworkBlockDevice/nbd,
 * doc/proto.md).  Every number on the wire is big-endian.
 *
 * Pure code: no kernel headers, so it is unit-tested and fuzzed on the host
 * (tests/host/test_nbd_proto.c, fuzz_nbd_proto.c).  One protocol, two
 * ends: the client (drivers/block/nbd.c, framing in nbd_proto.c) and the
 * in-kernel server (net/nbdsrv/) share these names and values.  The
 * client moves the bytes; these functions only build and judge them:
 *
 *   handshake  nbd_parse_greeting -> nbd_client_flags, sent back ->
 *              nbd_encode_opt_go -> for each option reply:
 *              nbd_parse_opt_reply_header, then its data (at most
 *              NBD_OPT_REPLY_MAX_LEN bytes) to nbd_go_reply, until it says
 *              NBD_GO_DONE, or NBD_GO_UNSUPPORTED: then
 *              nbd_encode_opt_export_name and nbd_parse_export_name_reply
 *              (nbd_export_name_reply_len bytes).  nbd_check_export last.
 *   requests   nbd_encode_request; nbd_decode_reply on each reply header.
 *
 * Everything from the server is hostile until accepted here.  A refusal
 * returns a negative errno (-EPROTO: the server broke the protocol;
 * -EINVAL: valid NBD this client does not do; -ENOENT: the server has no
 * such export or refused it) and writes into why[n] (always terminated,
 * cut to fit) what was wrong, naming the field and its value, without a
 * prefix, for the caller to print after the device's name.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Handshake magics. */
#define NBD_INIT_MAGIC          0x4e42444d41474943ull  /* "NBDMAGIC" */
#define NBD_OPTS_MAGIC          0x49484156454f5054ull  /* "IHAVEOPT": newstyle */
#define NBD_CLISERV_MAGIC       0x00420281861253ull    /* oldstyle */
#define NBD_OPT_REPLY_MAGIC     0x3e889045565a9ull

/* Handshake flags (server) and client flags. */
#define NBD_FLAG_FIXED_NEWSTYLE     (1u << 0)
#define NBD_FLAG_NO_ZEROES          (1u << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE   (1u << 0)
#define NBD_FLAG_C_NO_ZEROES        (1u << 1)

/* Options. */
#define NBD_OPT_EXPORT_NAME     1
#define NBD_OPT_ABORT           2
#define NBD_OPT_GO              7

/* Option reply types; the errors have bit 31 set. */
#define NBD_REP_ACK             1
#define NBD_REP_INFO            3
#define NBD_REP_FLAG_ERROR      (1u << 31)
#define NBD_REP_ERR_UNSUP       (NBD_REP_FLAG_ERROR | 1)
#define NBD_REP_ERR_POLICY      (NBD_REP_FLAG_ERROR | 2)
#define NBD_REP_ERR_INVALID     (NBD_REP_FLAG_ERROR | 3)
#define NBD_REP_ERR_PLATFORM    (NBD_REP_FLAG_ERROR | 4)
#define NBD_REP_ERR_TLS_REQD    (NBD_REP_FLAG_ERROR | 5)
#define NBD_REP_ERR_UNKNOWN     (NBD_REP_FLAG_ERROR | 6)
#define NBD_REP_ERR_SHUTDOWN    (NBD_REP_FLAG_ERROR | 7)
#define NBD_REP_ERR_BLOCK_SIZE_REQD (NBD_REP_FLAG_ERROR | 8)
#define NBD_REP_ERR_TOO_BIG     (NBD_REP_FLAG_ERROR | 9)

/* NBD_REP_INFO types, and the exact lengths of the two we read. */
#define NBD_INFO_EXPORT         0
#define NBD_INFO_NAME           1
#define NBD_INFO_DESCRIPTION    2
#define NBD_INFO_BLOCK_SIZE     3
#define NBD_INFO_EXPORT_LEN     (2 + 8 + 2)         /* type, size, flags */
#define NBD_INFO_BLOCK_SIZE_LEN (2 + 4 + 4 + 4)     /* type, min, preferred, max */

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS      (1u << 0)
#define NBD_FLAG_READ_ONLY      (1u << 1)
#define NBD_FLAG_SEND_FLUSH     (1u << 2)
#define NBD_FLAG_SEND_FUA       (1u << 3)
#define NBD_FLAG_ROTATIONAL     (1u << 4)
#define NBD_FLAG_SEND_TRIM      (1u << 5)

/* Transmission phase. */
#define NBD_REQUEST_MAGIC       0x25609513u
#define NBD_SIMPLE_REPLY_MAGIC  0x67446698u
#define NBD_STRUCTURED_REPLY_MAGIC 0x668e33efu
#define NBD_CMD_FLAG_FUA        (1u << 0)
#define NBD_CMD_READ            0
#define NBD_CMD_WRITE           1
#define NBD_CMD_DISC            2
#define NBD_CMD_FLUSH           3
#define NBD_CMD_TRIM            4

/* Error values in replies (the protocol's, which are Linux's errnos). */
#define NBD_EPERM               1
#define NBD_EIO                 5
#define NBD_ENOMEM              12
#define NBD_EINVAL              22
#define NBD_ENOSPC              28
#define NBD_EOVERFLOW           75
#define NBD_ENOTSUP             95
#define NBD_ESHUTDOWN           108

/* Sizes of the fixed parts on the wire. */
#define NBD_GREETING_LEN        (8 + 8 + 2)         /* magic, IHAVEOPT, flags */
#define NBD_CLIENT_FLAGS_LEN    4
#define NBD_OPT_HEADER_LEN      (8 + 4 + 4)         /* IHAVEOPT, option, length */
#define NBD_OPT_REPLY_HEADER_LEN (8 + 4 + 4 + 4)    /* magic, option, type, length */
#define NBD_EXPORT_NAME_REPLY_LEN (8 + 2)           /* size, transmission flags */
#define NBD_EXPORT_NAME_ZEROES  124                 /* unless NO_ZEROES */
#define NBD_REQUEST_LEN         (4 + 2 + 2 + 8 + 8 + 4)
#define NBD_REPLY_LEN           (4 + 4 + 8)         /* magic, error, cookie */

/* The protocol's limit on strings (export names, error messages), and so
 * on the option replies this client accepts: NBD_INFO_NAME carries one
 * after its type.  A longer reply is a lie about its length. */
#define NBD_MAX_STRING          4096
#define NBD_OPT_REPLY_MAX_LEN   (2 + NBD_MAX_STRING)

/* What the server said about the export. */
struct nbd_export {
    uint64_t size;              /* bytes */
    uint16_t flags;             /* transmission flags */
    uint32_t min_block;         /* block size constraints; 0: none given */
    uint32_t pref_block;
    uint32_t max_block;
    bool have_export;           /* NBD_INFO_EXPORT (or EXPORT_NAME's reply) seen */
};

/* 0 and the server's handshake flags, or a refusal (oldstyle, not
 * newstyle, a wrong magic). */
int nbd_parse_greeting(const uint8_t buf[NBD_GREETING_LEN], uint16_t *hs_flags,
                       char *why, size_t n);
/* The client flags to answer hs_flags with: fixed newstyle, and no zeroes
 * when the server offered it. */
uint32_t nbd_client_flags(uint16_t hs_flags);
void nbd_encode_client_flags(uint8_t buf[NBD_CLIENT_FLAGS_LEN], uint32_t flags);

/* NBD_OPT_GO for export name asking for NBD_INFO_EXPORT and
 * NBD_INFO_BLOCK_SIZE (so the server knows this client honours block size
 * constraints), or NBD_OPT_EXPORT_NAME: the bytes written, or -E2BIG when
 * buf is too small, -EINVAL when the name is longer than NBD_MAX_STRING. */
int nbd_encode_opt_go(uint8_t *buf, size_t cap, const char *name);
int nbd_encode_opt_export_name(uint8_t *buf, size_t cap, const char *name);

struct nbd_opt_reply {
    uint32_t option;
    uint32_t type;              /* NBD_REP_... */
    uint32_t len;               /* data bytes that follow */
};

/* An option reply header for the option just sent; refuses a wrong magic,
 * another option, or a length above NBD_OPT_REPLY_MAX_LEN. */
int nbd_parse_opt_reply_header(const uint8_t buf[NBD_OPT_REPLY_HEADER_LEN], uint32_t option,
                               struct nbd_opt_reply *r, char *why, size_t n);

enum nbd_go_step {
    NBD_GO_MORE = 1,            /* read the next option reply */
    NBD_GO_DONE,                /* ACK after NBD_INFO_EXPORT: transmission starts */
    NBD_GO_UNSUPPORTED,         /* the server does not know NBD_OPT_GO */
};

/* One reply to NBD_OPT_GO with its r->len bytes of data: a step, or a
 * refusal (an info of the wrong length, ACK before NBD_INFO_EXPORT, an
 * error reply -- with the server's message -- or an unknown type). */
int nbd_go_reply(struct nbd_export *e, const struct nbd_opt_reply *r, const uint8_t *data,
                 char *why, size_t n);

/* How many bytes answer NBD_OPT_EXPORT_NAME under these client flags. */
uint32_t nbd_export_name_reply_len(uint32_t client_flags);
int nbd_parse_export_name_reply(const uint8_t *buf, uint32_t len, struct nbd_export *e,
                                char *why, size_t n);

/* Whether this client can use the export: a size of whole sectors
 * (sector_size) above zero, HAS_FLAGS set, and block size constraints it
 * can meet: a minimum that is a power of two no larger than max_request,
 * and a maximum of at least max_request (the largest request it sends). */
int nbd_check_export(const struct nbd_export *e, uint32_t sector_size, uint32_t max_request,
                     char *why, size_t n);

struct nbd_request {
    uint16_t flags;             /* NBD_CMD_FLAG_... */
    uint16_t type;              /* NBD_CMD_... */
    uint64_t cookie;
    uint64_t offset;
    uint32_t len;
};
void nbd_encode_request(uint8_t buf[NBD_REQUEST_LEN], const struct nbd_request *rq);

struct nbd_reply {
    uint32_t error;             /* 0, or NBD_E... */
    uint64_t cookie;
};
/* A simple reply's header; refuses a wrong magic (naming a structured
 * reply, which this client never negotiates). */
int nbd_decode_reply(const uint8_t buf[NBD_REPLY_LEN], struct nbd_reply *r, char *why, size_t n);

/* A request's cookie: its slot in the driver's table and that slot's use
 * count, so that a late or invented reply for a reused slot is told apart. */
static inline uint64_t nbd_cookie(uint32_t slot, uint32_t gen)
{
    return (uint64_t)gen << 32 | slot;
}
static inline uint32_t nbd_cookie_slot(uint64_t cookie) { return (uint32_t)cookie; }
static inline uint32_t nbd_cookie_gen(uint64_t cookie) { return (uint32_t)(cookie >> 32); }

/* Names for log lines: "EIO", "read"; "unknown" for what has none. */
const char *nbd_error_name(uint32_t error);
const char *nbd_cmd_name(uint16_t type);
