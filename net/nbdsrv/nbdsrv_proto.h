/*
 * nbdsrv_proto.h - the server's side of the NBD protocol's bytes, for the
 * in-kernel server nbdsrv (nbdsrv.c) and the user-space one
 * (user/nbd-server.c, which links it): what nbd_proto.c judges, this
 * builds, and what nbd_proto.c builds, this judges.  The constants and
 * struct nbd_request are nbd_proto.h's: one protocol, two ends.
 *
 * Pure code: no kernel headers, so it is unit-tested on the host against
 * the client's framing (tests/host/test_nbdsrv_proto.c).  The order a
 * server uses it in:
 *
 *   handshake  nbdsrv_encode_greeting -> nbdsrv_parse_client_flags ->
 *              for each option: nbdsrv_parse_opt_header, its data (at most
 *              NBDSRV_OPT_MAX_LEN bytes), then for NBD_OPT_GO
 *              nbdsrv_answer_go (nbdsrv_parse_go and the replies, the
 *              export's or a refusal); for NBD_OPT_EXPORT_NAME
 *              nbdsrv_encode_export_name_reply; any other option gets
 *              NBD_REP_ERR_UNSUP (nbdsrv_encode_opt_reply).
 *   requests   nbdsrv_parse_request on each header, nbdsrv_check_request
 *              for what the protocol lets the server refuse with an error
 *              reply, nbdsrv_encode_reply for the answer.
 *
 * Everything from the client is hostile until accepted here.  A refusal
 * returns -EPROTO (the client broke the protocol: the server closes the
 * connection) or -EINVAL (valid NBD this server does not do), and writes
 * into why[n] what was wrong, naming the field and its value.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nbd_proto.h"

/* The largest option data accepted: NBD_OPT_GO's name length, a name of
 * the protocol's longest, the info count and a generous list of infos. */
#define NBDSRV_MAX_INFOS        16
#define NBDSRV_OPT_MAX_LEN      (4 + NBD_MAX_STRING + 2 + 2 * NBDSRV_MAX_INFOS)
/* What the greeting offers: fixed newstyle and no zeroes. */
#define NBDSRV_HS_FLAGS         (NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES)

void nbdsrv_encode_greeting(uint8_t buf[NBD_GREETING_LEN]);
/* 0 and the client's flags, or -EPROTO for bits the greeting never offered
 * (the protocol says to close then). */
int nbdsrv_parse_client_flags(const uint8_t buf[NBD_CLIENT_FLAGS_LEN], uint32_t *flags,
                              char *why, size_t n);

struct nbdsrv_opt {
    uint32_t option;            /* NBD_OPT_... */
    uint32_t len;               /* data bytes that follow */
};
/* An option header: refuses a wrong magic or more data than
 * NBDSRV_OPT_MAX_LEN. */
int nbdsrv_parse_opt_header(const uint8_t buf[NBD_OPT_HEADER_LEN], struct nbdsrv_opt *o,
                            char *why, size_t n);
/* NBD_OPT_GO's data: the export name into name[cap] (terminated), and
 * whether NBD_INFO_BLOCK_SIZE was asked for.  -EPROTO when the lengths
 * inside disagree with len; -EINVAL when the name does not fit cap. */
int nbdsrv_parse_go(const uint8_t *data, uint32_t len, char *name, size_t cap,
                    bool *wants_block_size, char *why, size_t n);
/* NBD_OPT_EXPORT_NAME's data is the name itself: the same checks. */
int nbdsrv_parse_export_name(const uint8_t *data, uint32_t len, char *name, size_t cap,
                             char *why, size_t n);

void nbdsrv_encode_opt_reply(uint8_t buf[NBD_OPT_REPLY_HEADER_LEN], uint32_t option,
                             uint32_t type, uint32_t len);

/* Whether the name a client asked for means the export name: it does,
 * or it is "" (the default export). */
bool nbdsrv_is_export(const char *asked, const char *name);

/* What a server says of its export in the handshake. */
struct nbdsrv_export_info {
    uint64_t size;              /* bytes */
    uint16_t flags;             /* transmission flags */
    uint32_t min_block, pref_block, max_block;  /* NBD_INFO_BLOCK_SIZE's three */
};
#define NBDSRV_GO_ANSWER_MAX    (3 * NBD_OPT_REPLY_HEADER_LEN + NBD_INFO_EXPORT_LEN + \
                                 NBD_INFO_BLOCK_SIZE_LEN)
/* The answer to NBD_OPT_GO's len bytes of data, for a server whose
 * exports are "" and name, into buf: its length, with the name the
 * client asked for in asked[cap] and *accepted.  When it is one of them:
 * NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE when asked for, NBD_REP_ACK, and
 * transmission starts after it.  When not, or when it does not fit cap:
 * NBD_REP_ERR_UNKNOWN with a message, and why says what was asked.
 * -EPROTO when the data breaks the framing (nbdsrv_parse_go): no
 * answer, the connection closes. */
int nbdsrv_answer_go(const uint8_t *data, uint32_t len, const char *name,
                     const struct nbdsrv_export_info *ex, uint8_t buf[NBDSRV_GO_ANSWER_MAX],
                     char *asked, size_t cap, bool *accepted, char *why, size_t n);
/* The answer to NBD_OPT_EXPORT_NAME into buf (room for
 * NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES bytes); its length,
 * which depends on whether the client asked for no zeroes. */
uint32_t nbdsrv_encode_export_name_reply(uint8_t *buf, uint64_t size, uint16_t flags,
                                         uint32_t client_flags);

/* A request header: refuses a wrong magic (-EPROTO). */
int nbdsrv_parse_request(const uint8_t buf[NBD_REQUEST_LEN], struct nbd_request *rq,
                         char *why, size_t n);
/* What the reply to a well-framed request must say before any IO: 0, or
 * an NBD error -- NBD_EINVAL for an unknown command or flag, or a length
 * that is not whole sectors (sector), or above max_len; NBD_ENOSPC (as
 * the protocol asks) for a range past size; NBD_EPERM for a write to a
 * read-only export (flags). */
uint32_t nbdsrv_check_request(const struct nbd_request *rq, uint64_t size, uint32_t max_len,
                              uint32_t sector, uint16_t flags);
/* Whether the request carries data after its header (a write does). */
static inline bool nbdsrv_request_has_data(const struct nbd_request *rq)
{
    return rq->type == NBD_CMD_WRITE;
}
void nbdsrv_encode_reply(uint8_t buf[NBD_REPLY_LEN], uint32_t error, uint64_t cookie);
