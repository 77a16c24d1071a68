/*
 * echo: the one echo backend every server in the benchmark talks to.
 *
 *   echo --fd0          accept loop on the listening socket passed as fd 0 (lighttpd bin-path, FastCGI convention)
 *   echo --stdio        copy stdin to stdout unbuffered (websocketd: one process per connection)
 *   echo --unix PATH    listen on a unix socket (Sluice with a static socket backend)
 *   echo --tcp PORT     listen on 127.0.0.1:PORT (websockify; also the raw TCP baseline for the load generator)
 *
 * The socket modes run one single-threaded, level-triggered epoll loop: every read is written straight back; a
 * short write parks the rest and stops reading that connection until it drains, so memory per connection stays
 * bounded (a few dozen bytes while idle). Build: gcc -O2 -Wall -o echo echo.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define MAX_EVENTS 256

struct conn {
    int fd;
    char *pending;      /* bytes read but not yet written back */
    size_t pending_len;
    size_t pending_off;
};

static char buf[BUF_SIZE];

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int stdio_loop(void) {
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read stdin");
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR) continue;
                if (errno == EPIPE) return 0;
                die("write stdout");
            }
            off += w;
        }
    }
}

static int listen_unix(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "echo: unix socket path too long: %s\n", path);
        exit(2);
    }
    strcpy(addr.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind unix");
    if (listen(fd, 4096) < 0) die("listen");
    return fd;
}

static int listen_tcp(int port) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind tcp");
    if (listen(fd, 4096) < 0) die("listen");
    return fd;
}

static void close_conn(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

static void watch(int ep, struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
}

/* Writes what is parked; returns 1 when drained, 0 when the socket is full again, -1 on error. */
static int flush_pending(struct conn *c) {
    while (c->pending_off < c->pending_len) {
        ssize_t w = write(c->fd, c->pending + c->pending_off, c->pending_len - c->pending_off);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return 0;
            return -1;
        }
        c->pending_off += (size_t)w;
    }
    free(c->pending);
    c->pending = NULL;
    c->pending_len = c->pending_off = 0;
    return 1;
}

static void on_readable(int ep, struct conn *c) {
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_conn(ep, c);
        return;
    }
    if (n < 0) return;
    ssize_t off = 0;
    while (off < n) {
        ssize_t w = write(c->fd, buf + off, (size_t)(n - off));
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            close_conn(ep, c);
            return;
        }
        off += w;
    }
    if (off < n) {
        c->pending_len = (size_t)(n - off);
        c->pending_off = 0;
        c->pending = malloc(c->pending_len);
        if (!c->pending) die("malloc");
        memcpy(c->pending, buf + off, c->pending_len);
        watch(ep, c, EPOLLOUT);
    }
}

static _Noreturn void socket_loop(int listener) {
    int flags = fcntl(listener, F_GETFL);
    if (flags < 0 || fcntl(listener, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl listener");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev) < 0) die("epoll_ctl listener");
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) {
                for (;;) {
                    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break; /* EAGAIN, or EMFILE: retried on the next wakeup */
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on unix */
                    struct conn *nc = calloc(1, sizeof *nc);
                    if (!nc) die("calloc");
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl add");
                }
                continue;
            }
            if (c->pending) {
                int r = flush_pending(c);
                if (r < 0) close_conn(ep, c);
                else if (r > 0) watch(ep, c, EPOLLIN);
            } else if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                on_readable(ep, c);
            }
        }
    }
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc == 2 && strcmp(argv[1], "--fd0") == 0) socket_loop(0);
    if (argc == 2 && strcmp(argv[1], "--stdio") == 0) return stdio_loop();
    if (argc == 3 && strcmp(argv[1], "--unix") == 0) socket_loop(listen_unix(argv[2]));
    if (argc == 3 && strcmp(argv[1], "--tcp") == 0) socket_loop(listen_tcp(atoi(argv[2])));
    fprintf(stderr, "usage: echo --fd0 | --stdio | --unix PATH | --tcp PORT\n");
    return 2;
}
