/*
 * nbd-server.c - the NBD server of the 1999 letter as a process: serves a
 * file or a block device over TCP with the fixed-newstyle handshake, one
 * connection after another.
 *
 *   nbd-server [-p PORT] [-l] [-f] [-c COUNT] PATH
 *
 *   PATH      a file or a block device (/dev/hdd); its exports are "" and
 *             PATH's last part ("hdd")
 *   -p PORT   listen on PORT of every local address (default 10809, NBD's)
 *   -l        mlockall(MCL_CURRENT | MCL_FUTURE) before anything else: no
 *             page of the server is ever reclaimed, so it never faults on
 *             a page only it could read back (nbd-client -swap's cure)
 *   -f        prctl(PR_SET_IO_FLUSHER, 1): every allocation the server
 *             causes, page faults included, is GFP_NOIO, so its reclaim
 *             never waits on IO it would have to serve itself (Linux 5.6)
 *   -c COUNT  exit 0 when COUNT connections have ended (default 0: never)
 *
 * The protocol's bytes are built and judged by the kernel's own pure
 * framing, compiled into this program (net/nbdsrv/nbdsrv_proto.c over
 * drivers/block/nbd_proto.c; see the Makefile): the in-kernel server
 * nbdsrv and this one speak through the same code.  What differs is
 * where the memory comes from.  nbdsrv allocates pages with GFP_KERNEL
 * for each request; this server has what a process has: each read's or
 * write's data goes through a buffer mapped for that request (mmap) and
 * unmapped after its reply, so every request faults its pages in -- the
 * allocations a server makes while its clients wait, the ones the 1999
 * deadlock is about -- plus its stack, heap and program, which may be
 * swapped out between requests, and the kernel's socket and file calls.
 * Data moves with read()/write() on the socket and pread()/pwrite() on
 * PATH; FLUSH (and a write with FUA) is fsync().
 *
 * Bad clients: a wrong magic or a write longer than MAX_REQUEST (whose
 * data it will not take) closes the connection with a line saying why; a
 * request the protocol lets a server refuse (unknown command or flag, a
 * length that is not whole sectors or too long, a range past the export)
 * is answered with its NBD error; a client that goes mid-request ends
 * its connection.  None of them ends the server: the next connection is
 * accepted.  Unknown options are answered NBD_REP_ERR_UNSUP.
 *
 * Exit status: 0 after COUNT connections, 1 when the server cannot start
 * (every reason printed), 2 for a wrong command line.
 */
#include "ulib.h"
#include "nbdsrv_proto.h"

#define DEFAULT_PORT    10809
#define BACKLOG         2
#define SECTOR          512u
/* The largest read or write served: the kernel client's largest request
 * (a bio of 32 pages). */
#define MAX_REQUEST     (128u * 1024)
#define MAX_OPTIONS     32      /* options before the client must choose an export */
#define NAME_LEN        64      /* an export name, terminated */
#define WHY_LEN         160
#define EXPORT_FLAGS    (NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA)

/* What is served: fixed once the server starts. */
static struct {
    int fd;                     /* PATH, open for reading and writing */
    const char *path;
    const char *name;           /* PATH's last part: the export's name */
    uint64_t size;              /* bytes */
} export;

/* One connection's state. */
struct conn {
    int fd;                     /* the accepted socket */
    uint32_t client_flags;      /* what the client answered the greeting with */
    uint8_t *opt;               /* NBDSRV_OPT_MAX_LEN bytes: option data, refused writes */
    char why[WHY_LEN];          /* the framing's reason for a refusal */
};

/* ---- moving bytes ------------------------------------------------------- */

/* All len bytes from fd: 0, or -EPIPE when the peer closed first, or the
 * call's -errno. */
static int read_full(int fd, void *buf, size_t len)
{
    for (uint8_t *p = buf; len;) {
        ssize_t n = read(fd, p, len);
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EPIPE;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int send_bytes(struct conn *c, const void *buf, size_t len)
{
    return write_all(c->fd, buf, len) < 0 ? -errno : 0;
}

/* ---- the handshake ------------------------------------------------------ */

static int opt_reply(struct conn *c, uint32_t option, uint32_t type, const void *data,
                     uint32_t len)
{
    uint8_t hdr[NBD_OPT_REPLY_HEADER_LEN];
    nbdsrv_encode_opt_reply(hdr, option, type, len);
    int ret = send_bytes(c, hdr, sizeof(hdr));
    if (!ret && len)
        ret = send_bytes(c, data, len);
    return ret;
}

/* NBD_OPT_GO with len bytes of data in c->opt: 1 when transmission
 * starts, 0 when the client may try another option, or an error. */
static int go(struct conn *c, uint32_t len)
{
    const struct nbdsrv_export_info ex = {
        .size = export.size, .flags = EXPORT_FLAGS,
        .min_block = SECTOR, .pref_block = PAGE_SIZE, .max_block = MAX_REQUEST,
    };
    uint8_t answer[NBDSRV_GO_ANSWER_MAX];
    char name[NAME_LEN];
    bool accepted;
    int n = nbdsrv_answer_go(c->opt, len, export.name, &ex, answer, name, sizeof(name),
                             &accepted, c->why, sizeof(c->why));
    if (n < 0)
        return n;
    if (!accepted)
        printf("nbd-server: refused: %s\n", c->why);
    return send_bytes(c, answer, (size_t)n) ?: accepted;
}

/* NBD_OPT_EXPORT_NAME: transmission starts (1), or, for a name this
 * server does not have, the protocol's only answer: closing. */
static int export_name(struct conn *c, uint32_t len)
{
    char name[NAME_LEN];
    int ret = nbdsrv_parse_export_name(c->opt, len, name, sizeof(name), c->why, sizeof(c->why));
    if (ret < 0)
        return ret;
    if (!nbdsrv_is_export(name, export.name)) {
        snprintf(c->why, sizeof(c->why), "NBD_OPT_EXPORT_NAME for \"%s\", not an export", name);
        return -ENOENT;
    }
    uint8_t reply[NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES];
    uint32_t n = nbdsrv_encode_export_name_reply(reply, export.size, EXPORT_FLAGS,
                                                 c->client_flags);
    return send_bytes(c, reply, n) ?: 1;
}

/* 0 when transmission may start, or why not (c->why says more when the
 * client broke the protocol). */
static int handshake(struct conn *c)
{
    uint8_t msg[NBD_GREETING_LEN];
    nbdsrv_encode_greeting(msg);
    int ret = send_bytes(c, msg, NBD_GREETING_LEN);
    if (ret || (ret = read_full(c->fd, msg, NBD_CLIENT_FLAGS_LEN)) ||
        (ret = nbdsrv_parse_client_flags(msg, &c->client_flags, c->why, sizeof(c->why))))
        return ret;
    for (int options = 0; options < MAX_OPTIONS; options++) {
        struct nbdsrv_opt opt;
        if ((ret = read_full(c->fd, msg, NBD_OPT_HEADER_LEN)) ||
            (ret = nbdsrv_parse_opt_header(msg, &opt, c->why, sizeof(c->why))) ||
            (ret = read_full(c->fd, c->opt, opt.len)))
            return ret;
        switch (opt.option) {
        case NBD_OPT_GO:
            ret = go(c, opt.len);
            break;
        case NBD_OPT_EXPORT_NAME:
            ret = export_name(c, opt.len);
            break;
        case NBD_OPT_ABORT:
            opt_reply(c, opt.option, NBD_REP_ACK, 0, 0);
            snprintf(c->why, sizeof(c->why), "the client sent NBD_OPT_ABORT");
            return -ECONNABORTED;
        default:
            ret = opt_reply(c, opt.option, NBD_REP_ERR_UNSUP, 0, 0);
        }
        if (ret)
            return ret < 0 ? ret : 0;
    }
    snprintf(c->why, sizeof(c->why), "no export chosen in %d options", MAX_OPTIONS);
    return -EPROTO;
}

/* ---- requests ----------------------------------------------------------- */

/* Read and forget len bytes: the data of a write refused. */
static int drain(struct conn *c, uint32_t len)
{
    for (uint32_t chunk; len; len -= chunk) {
        chunk = len < NBDSRV_OPT_MAX_LEN ? len : NBDSRV_OPT_MAX_LEN;
        int ret = read_full(c->fd, c->opt, chunk);
        if (ret)
            return ret;
    }
    return 0;
}

/* The export's side of a request the framing accepted, its data in
 * data: 0, or the NBD error to answer. */
static uint32_t do_io(const struct nbd_request *rq, uint8_t *data)
{
    off_t at = (off_t)rq->offset;
    ssize_t n = rq->len;
    switch (rq->type) {
    case NBD_CMD_READ:
        n = pread(export.fd, data, rq->len, at);
        break;
    case NBD_CMD_WRITE:
        n = pwrite(export.fd, data, rq->len, at);
        if (n == (ssize_t)rq->len && (rq->flags & NBD_CMD_FLAG_FUA) && fsync(export.fd) < 0)
            n = -1;
        break;
    case NBD_CMD_FLUSH:
        if (fsync(export.fd) < 0)
            n = -1;
        break;
    }
    if (n == (ssize_t)rq->len)
        return 0;
    printf("nbd-server: %s of %u bytes at %llu on %s: %s\n", nbd_cmd_name(rq->type), rq->len,
           (unsigned long long)rq->offset, export.path,
           n < 0 ? strerror(errno) : "a short transfer");
    return NBD_EIO;
}

/* One request whose header the framing accepted: 0 when the connection
 * goes on, or why it cannot.  A read's or write's data goes through
 * pages mapped for it alone. */
static int serve_request(struct conn *c, const struct nbd_request *rq)
{
    uint32_t error = nbdsrv_check_request(rq, export.size, MAX_REQUEST, SECTOR, EXPORT_FLAGS);
    bool io = !error && (rq->type == NBD_CMD_READ || rq->type == NBD_CMD_WRITE);
    size_t mapped = (rq->len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    uint8_t *data = io ? mmap(0, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                              -1, 0) : MAP_FAILED;
    if (io && data == MAP_FAILED)
        error = NBD_ENOMEM;
    if (error)
        printf("nbd-server: %s of %u bytes at %llu answered %s\n", nbd_cmd_name(rq->type),
               rq->len, (unsigned long long)rq->offset, nbd_error_name(error));
    /* A write's data follows its header even when it is refused. */
    int ret = 0;
    if (rq->type == NBD_CMD_WRITE)
        ret = error ? drain(c, rq->len) : read_full(c->fd, data, rq->len);
    if (!ret && !error)
        error = do_io(rq, data);
    uint8_t reply[NBD_REPLY_LEN];
    nbdsrv_encode_reply(reply, error, rq->cookie);
    if (!ret)
        ret = send_bytes(c, reply, sizeof(reply));
    if (!ret && !error && rq->type == NBD_CMD_READ)
        ret = send_bytes(c, data, rq->len);
    if (data != MAP_FAILED)
        munmap(data, mapped);
    return ret;
}

/* Requests until the client disconnects, breaks the framing or goes. */
static void transmission(struct conn *c)
{
    for (;;) {
        uint8_t hdr[NBD_REQUEST_LEN];
        struct nbd_request rq;
        ssize_t got = read(c->fd, hdr, sizeof(hdr));
        if (got == 0) {
            printf("nbd-server: the client closed the connection\n");
            return;
        }
        int ret = got < 0 ? -errno : read_full(c->fd, hdr + got, sizeof(hdr) - (size_t)got);
        if (!ret && nbdsrv_parse_request(hdr, &rq, c->why, sizeof(c->why)) < 0) {
            printf("nbd-server: %s; closing the connection\n", c->why);
            return;
        }
        if (!ret && rq.type == NBD_CMD_DISC) {
            printf("nbd-server: the client disconnected\n");
            return;
        }
        if (!ret && rq.type == NBD_CMD_WRITE && rq.len > MAX_REQUEST) {
            printf("nbd-server: a write of %u bytes, more than the %u offered; closing the "
                   "connection\n", rq.len, MAX_REQUEST);
            return;
        }
        if (!ret)
            ret = serve_request(c, &rq);
        if (ret) {
            printf("nbd-server: the connection ended mid-request: %s\n",
                   ret == -EPIPE ? "the client closed it" : strerror(-ret));
            return;
        }
    }
}

static void describe(const struct sockaddr_in *peer, char *out, size_t n)
{
    const uint8_t *a = (const uint8_t *)&peer->sin_addr;
    snprintf(out, n, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], ntohs(peer->sin_port));
}

static void serve(int fd, const struct sockaddr_in *peer)
{
    struct conn c = { .fd = fd, .why = "" };
    char who[24];
    describe(peer, who, sizeof(who));
    c.opt = malloc(NBDSRV_OPT_MAX_LEN);
    if (!c.opt) {
        printf("nbd-server: no memory for %s's options (%u bytes); closing\n", who,
               NBDSRV_OPT_MAX_LEN);
        return;
    }
    int ret = handshake(&c);
    if (!ret) {
        printf("nbd-server: serving %s (%llu bytes) to %s\n", export.path,
               (unsigned long long)export.size, who);
        transmission(&c);
    } else {
        printf("nbd-server: the handshake with %s ended: %s\n", who, c.why[0] ? c.why :
               ret == -EPIPE ? "the client left" : strerror(-ret));
    }
    free(c.opt);
}

/* ---- starting ----------------------------------------------------------- */

static int usage(void)
{
    dprintf(2, "usage: nbd-server [-p PORT] [-l] [-f] [-c COUNT] PATH\n");
    return 2;
}

/* Prints what failed; 1, the status for a server that cannot start. */
static int cannot(const char *what)
{
    printf("nbd-server: %s: %s\n", what, strerror(errno));
    return 1;
}

static int open_export(const char *path)
{
    export.path = path;
    export.name = path + strlen(path);
    while (export.name > path && export.name[-1] != '/')
        export.name--;
    if (strlen(export.name) >= NAME_LEN) {
        printf("nbd-server: %s: an export name is shorter than %u bytes\n", path, NAME_LEN);
        return -1;
    }
    export.fd = open(path, O_RDWR);
    off_t end = export.fd < 0 ? -1 : lseek(export.fd, 0, SEEK_END);
    if (end < 0) {
        cannot(path);
        return -1;
    }
    export.size = (uint64_t)end;
    return 0;
}

static int listen_on(uint16_t port)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port),
                                .sin_addr = INADDR_ANY };
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        cannot("socket");
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, &addr, sizeof(addr)) < 0 || listen(fd, BACKLOG) < 0) {
        cannot("setsockopt, bind or listen");
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    long port = DEFAULT_PORT, count = 0;
    bool lock = false, flusher = false;
    const char *path = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-l"))
            lock = true;
        else if (!strcmp(argv[i], "-f"))
            flusher = true;
        else if (!strcmp(argv[i], "-p") && i + 1 < argc)
            port = atol_or(argv[++i], -1);
        else if (!strcmp(argv[i], "-c") && i + 1 < argc)
            count = atol_or(argv[++i], -1);
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            return usage();
    }
    if (!path || port <= 0 || port > 65535 || count < 0)
        return usage();
    /* Locked and marked before the first page of buffers or sockets:
     * what follows inherits it. */
    if (lock && mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
        return cannot("mlockall(MCL_CURRENT | MCL_FUTURE)");
    if (flusher && prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0) < 0)
        return cannot("prctl(PR_SET_IO_FLUSHER, 1)");
    if (open_export(path) < 0)
        return 1;
    int listener = listen_on((uint16_t)port);
    if (listener < 0)
        return 1;
    printf("nbd-server: pid %d listening on port %ld, serving %s (%llu bytes) as \"\" and "
           "\"%s\"%s%s\n", getpid(), port, path, (unsigned long long)export.size, export.name,
           lock ? ", memory locked" : "", flusher ? ", an IO flusher" : "");
    for (long served = 0; !count || served < count; served++) {
        struct sockaddr_in peer;
        uint32_t len = sizeof(peer);
        int fd = accept4(listener, &peer, &len, 0);
        if (fd < 0)
            return cannot("accept4");
        serve(fd, &peer);
        close(fd);
    }
    printf("nbd-server: %ld connections served; exiting\n", count);
    return 0;
}
