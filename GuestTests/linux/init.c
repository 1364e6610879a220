/* /init of the Linux guest `make bench` compares Skiff with: mounts /proc, /dev and /sys, loads
 * the kernel modules listed in /etc/modules (dependencies first, as the host wrote them), brings
 * up the loopback interface and eth0 (if any), lists the interfaces, runs
 * the program given after `--` on the kernel command line, prints its exit status and powers off.
 *
 * eth0's address comes from the environment, which Linux fills with the command line's unknown
 * NAME=VALUE words: skiff_bench_ip, skiff_bench_netmask and skiff_bench_gateway (the harness
 * passes them for its tap network). Without them it gets what QEMU's user network would hand
 * out by DHCP (Skiff asks its DHCP server; this /init has no client): 10.0.2.15/24 via 10.0.2.2.
 *
 * Lines it prints (the host parses them):
 *   skiff-bench-init: boot-us N       CLOCK_BOOTTIME when /init started, in microseconds
 *   skiff-bench-init: exit status N   the program's exit status (128+signal when killed)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/route.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *what, const char *detail) {
    fprintf(stderr, "skiff-bench-init: %s: %s\n", what, detail);
}

static void mount_or_say(const char *source, const char *target, const char *type) {
    mkdir(target, 0755);
    if (mount(source, target, type, 0, NULL) != 0 && errno != EBUSY) say(target, strerror(errno));
}

/* The loopback interface starts down on Linux; a system's init brings it up. */
static void loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &r) != 0) {
        say("lo", strerror(errno));
    } else {
        r.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &r) != 0) say("lo up", strerror(errno));
    }
    if (fd >= 0) close(fd);
}

/* The environment variable `name`, or `fallback` when the command line did not set it. */
static const char *setting(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value && value[0] ? value : fallback;
}

static void set_address(int fd, unsigned long request, const char *address) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "eth0");
    struct sockaddr_in *a = (struct sockaddr_in *)&r.ifr_addr;
    a->sin_family = AF_INET;
    inet_pton(AF_INET, address, &a->sin_addr);
    if (ioctl(fd, request, &r) != 0) say("eth0 address", strerror(errno));
}

/* One datagram to the gateway makes Linux ARP for it, which tells QEMU's user network the
 * guest's MAC address before the host connects in (Skiff's DHCP exchange does the same); without
 * it the first forwarded SYN waits on QEMU resolving the guest. */
static void announce(const char *gateway_address) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return;
    struct sockaddr_in gateway = {.sin_family = AF_INET, .sin_port = htons(9)};
    inet_pton(AF_INET, gateway_address, &gateway.sin_addr);
    if (sendto(fd, "", 0, 0, (struct sockaddr *)&gateway, sizeof gateway) < 0) say("eth0 announce", strerror(errno));
    close(fd);
}

static void ethernet_up(void) {
    if (if_nametoindex("eth0") == 0) return;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return;
    const char *gateway_address = setting("skiff_bench_gateway", "10.0.2.2");
    set_address(fd, SIOCSIFADDR, setting("skiff_bench_ip", "10.0.2.15"));
    set_address(fd, SIOCSIFNETMASK, setting("skiff_bench_netmask", "255.255.255.0"));
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "eth0");
    if (ioctl(fd, SIOCGIFFLAGS, &r) == 0) {
        r.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &r) != 0) say("eth0 up", strerror(errno));
    }
    struct rtentry route;
    memset(&route, 0, sizeof route);
    struct sockaddr_in *gateway = (struct sockaddr_in *)&route.rt_gateway;
    gateway->sin_family = AF_INET;
    inet_pton(AF_INET, gateway_address, &gateway->sin_addr);
    ((struct sockaddr_in *)&route.rt_dst)->sin_family = AF_INET;
    ((struct sockaddr_in *)&route.rt_genmask)->sin_family = AF_INET;
    route.rt_flags = RTF_UP | RTF_GATEWAY;
    if (ioctl(fd, SIOCADDRT, &route) != 0) say("default route", strerror(errno));
    close(fd);
    announce(gateway_address);
}

/* The interfaces the kernel made, on one line: a failed network benchmark then shows whether
 * the virtio-net driver came up at all. */
static void list_interfaces(void) {
    struct if_nameindex *names = if_nameindex();
    if (!names) return;
    printf("skiff-bench-init: interfaces:");
    for (struct if_nameindex *n = names; n->if_index != 0; n++) printf(" %s", n->if_name);
    printf("\n");
    if_freenameindex(names);
}

/* Each line of /etc/modules is a path to a .ko file; load them in order. */
static void load_modules(void) {
    FILE *list = fopen("/etc/modules", "r");
    if (!list) return;
    char path[512];
    while (fgets(path, sizeof path, list)) {
        path[strcspn(path, "\n")] = 0;
        if (!path[0]) continue;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
            if (errno != EEXIST) say(path, strerror(errno));
        }
        if (fd >= 0) close(fd);
    }
    fclose(list);
}

static void power_off(void) {
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    say("reboot(RB_POWER_OFF)", strerror(errno));
    for (;;) pause();
}

int main(int argc, char **argv) {
    struct timespec now;
    clock_gettime(CLOCK_BOOTTIME, &now);
    long long boot_us = (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;

    mount_or_say("proc", "/proc", "proc");
    mount_or_say("devtmpfs", "/dev", "devtmpfs");
    mount_or_say("sysfs", "/sys", "sysfs");
    mount_or_say("tmpfs", "/tmp", "tmpfs");
    load_modules();
    loopback_up();
    ethernet_up();
    list_interfaces();
    printf("skiff-bench-init: boot-us %lld\n", boot_us);
    fflush(stdout);

    if (argc < 2) {
        say("usage", "pass the program and its arguments after -- on the kernel command line");
        printf("skiff-bench-init: exit status 2\n");
        power_off();
    }
    int status = 127;
    pid_t child = fork();
    if (child == 0) {
        int console = open("/dev/console", O_RDWR);
        if (console >= 0) {
            dup2(console, 0);
            dup2(console, 1);
            dup2(console, 2);
            if (console > 2) close(console);
        }
        execv(argv[1], argv + 1);
        say(argv[1], strerror(errno));
        _exit(127);
    }
    if (child < 0) {
        say("fork", strerror(errno));
    } else {
        int raw;
        while (waitpid(child, &raw, 0) < 0 && errno == EINTR) {}
        status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    }
    printf("skiff-bench-init: exit status %d\n", status);
    power_off();
}
