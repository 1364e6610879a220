/* A supervisor for servers that only stop on a signal (nginx with master_process off):
 *
 *     supervise CONTROL_PORT SIGNAL PROGRAM [ARGS...]
 *
 * starts PROGRAM with posix_spawn, then waits for one TCP connection on CONTROL_PORT that
 * says "stop"; it sends SIGNAL (a number) to the program, waits for it, reports how it ended
 * and exits with its status (128 + signal if a signal ended it), as a shell would. If the
 * program ends by itself first, that is reported the same way. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int report(pid_t child, int status) {
    if (WIFEXITED(status)) {
        printf("supervise: %d exited with status %d\n", (int)child, WEXITSTATUS(status));
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        printf("supervise: %d was killed by signal %d\n", (int)child, WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    printf("supervise: %d ended with wait status %#x\n", (int)child, status);
    return 125;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: supervise CONTROL_PORT SIGNAL PROGRAM [ARGS...]\n");
        return 2;
    }
    int port = atoi(argv[1]), signal_number = atoi(argv[2]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(INADDR_ANY)}};
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 4) != 0) {
        perror("supervise: control port");
        return 2;
    }
    pid_t child;
    int error = posix_spawn(&child, argv[3], NULL, NULL, argv + 3, environ);
    if (error != 0) {
        fprintf(stderr, "supervise: cannot start %s: %s\n", argv[3], strerror(error));
        return 127;
    }
    printf("supervise: started %s as %d, control port %d\n", argv[3], (int)child, port);
    fflush(stdout);
    for (;;) {
        int status;
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) return report(child, status);
        struct pollfd p = {.fd = listener, .events = POLLIN};
        if (poll(&p, 1, 200) <= 0) continue;
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        char line[64] = {0};
        ssize_t n = read(connection, line, sizeof line - 1);
        close(connection);
        if (n < 4 || strncmp(line, "stop", 4) != 0) continue;
        printf("supervise: sending signal %d to %d\n", signal_number, (int)child);
        fflush(stdout);
        kill(child, signal_number);
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return report(child, status);
    }
}
