#define _GNU_SOURCE
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static int tcp_port(const char *spec, char *why, size_t why_len)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (colon == NULL || (size_t)(colon - spec) >= sizeof host) {
        snprintf(why, why_len, "bad port tcp:%s (tcp:HOST:PORT)", spec);
        return -1;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
        snprintf(why, why_len, "cannot resolve %s", spec);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        snprintf(why, why_len, "cannot connect to %s: %s", spec, strerror(errno));
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    int one = 1;  /* frames go out as lwIP writes them, as on a UART */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int serial_open(const char *spec, char *why, size_t why_len)
{
    int fd;
    if (strncmp(spec, "tcp:", 4) == 0) {
        fd = tcp_port(spec + 4, why, why_len);
        if (fd < 0)
            return -1;
    } else {
        fd = open(spec, O_RDWR | O_NOCTTY);
        if (fd < 0) {
            snprintf(why, why_len, "cannot open %s: %s", spec, strerror(errno));
            return -1;
        }
        struct termios tio;
        if (tcgetattr(fd, &tio) == 0) {  /* raw 8N1: PPP octets must pass untouched */
            cfmakeraw(&tio);
            cfsetspeed(&tio, B115200);
            tio.c_cflag |= CLOCAL | CREAD;
            tcsetattr(fd, TCSANOW, &tio);
            tcflush(fd, TCIFLUSH);  /* what an earlier user left unread is not ours */
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}
