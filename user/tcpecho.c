/*
 * tcpecho.c - tcpecho PORT BYTES: connects to the host's echo server at
 * 10.0.2.100:PORT (QEMU's guestfwd), sends BYTES bytes of pattern() a
 * page at a time, reads each page back as it is echoed, and says how
 * many bytes came back different.  Exits with 0 only when all came back
 * the same.
 */
#include "ulib.h"

#define HOST        0x0A000264u         /* 10.0.2.100 */
#define CHUNK       4096

static uint8_t pattern(long i) { return (uint8_t)(i * 7 + (i >> 8)); }

static uint8_t out[CHUNK], in[CHUNK];

int main(int argc, char **argv)
{
    long port = atol_or(argc > 1 ? argv[1] : 0, 0), bytes = atol_or(argc > 2 ? argv[2] : 0, 0);
    struct sockaddr_in host = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                .sin_addr = htonl(HOST) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, &host, sizeof(host)) < 0) {
        perror("tcpecho: connect");
        return 1;
    }
    struct timeval tv = { 10, 0 };      /* a host that stops echoing is an error */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    long differ = 0;
    for (long done = 0; done < bytes;) {
        long n = bytes - done < CHUNK ? bytes - done : CHUNK;
        for (long i = 0; i < n; i++)
            out[i] = pattern(done + i);
        if (write(fd, out, (size_t)n) != n || recv(fd, in, (size_t)n, MSG_WAITALL) != n) {
            perror("tcpecho: write or recv");
            return 1;
        }
        for (long i = 0; i < n; i++)
            differ += in[i] != out[i];
        done += n;
    }
    close(fd);
    printf("tcpecho: %d bytes out and back, %d differ\n", (int)bytes, (int)differ);
    return differ != 0;
}
