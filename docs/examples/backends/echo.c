/*
 * echo.c: an echo backend for Sluice in C. Every byte a WebSocket client sends comes back unchanged.
 *
 * Build:  gcc -O2 -pthread -o echo echo.c
 * Sluice passes the listening socket as fd 0 (the FastCGI convention); this program accepts on it forever and
 * serves each connection (one WebSocket) on its own thread. The bytes are payloads only: no HTTP, no frames.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static void *echo(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            break;                              /* EOF: the client closed its WebSocket */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;                              /* reset: the session is gone */
        }
        for (ssize_t off = 0; off < n;) {       /* write() may take less than asked */
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                goto done;
            }
            off += w;
        }
    }
done:
    close(fd);                                  /* Sluice sees EOF and closes the WebSocket with 1000 */
    return NULL;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);                   /* a client gone mid-write gives EPIPE instead of killing us */
    fprintf(stderr, "echo backend (C) ready, pid %d\n", (int)getpid());
    for (;;) {
        int fd = accept(0, NULL, NULL);         /* fd 0 is the listening socket Sluice made for this worker */
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("accept on fd 0 (start me from Sluice's bin-path)");
            return 1;
        }
        pthread_t thread;
        if (pthread_create(&thread, NULL, echo, (void *)(intptr_t)fd) != 0) {
            close(fd);
            continue;
        }
        pthread_detach(thread);
    }
}
