// The C twin of bench/floor/WriteFloor.java, to show that the floor is the kernel's and not Java's: the same 150-byte
// frame to 50 of CONNS sockets at a time, at RATE writes/s, a third of the time as warm-up, one send(2) per write,
// and a reader that only reads. It prints its own CPU time (user and kernel together) per write.
//
//   cc -O2 -o write_floor bench/floor/write_floor.c
//   write_floor server PORT CONNS WRITES_PER_SECOND SECONDS
//   write_floor client PORT CONNS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { FAN = 50, FRAME = 150 };

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/** This process's CPU time, user and kernel together, in seconds. */
static double cpu_seconds(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

/** Opens CONNS connections and reads whatever arrives until the writer closes them. */
static int client(struct sockaddr_in *addr, int conns) {
  int ep = epoll_create1(0);
  for (int i = 0; i < conns; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *) addr, sizeof *addr) != 0) {
      perror("connect");
      return 1;
    }
    fcntl(s, F_SETFL, O_NONBLOCK);
    struct epoll_event e = {.events = EPOLLIN, .data.fd = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
  }
  static char buf[65536];
  struct epoll_event ready[256];
  for (;;) {
    int n = epoll_wait(ep, ready, 256, -1);
    for (int i = 0; i < n; i++) {
      if (read(ready[i].data.fd, buf, sizeof buf) == 0) {
        return 0;
      }
    }
  }
}

/** Accepts CONNS connections, then writes FRAME bytes to FAN of them at a time, RATE writes a second. */
static int server(struct sockaddr_in *addr, int conns, int rate, int seconds) {
  int one = 1;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listener, (struct sockaddr *) addr, sizeof *addr) != 0 || listen(listener, 1024) != 0) {
    perror("bind");
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  int *sockets = malloc(conns * sizeof(int));
  for (int i = 0; i < conns; i++) {
    sockets[i] = accept(listener, NULL, NULL);
    setsockopt(sockets[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(sockets[i], F_SETFL, O_NONBLOCK);
  }
  char frame[FRAME];
  memset(frame, 'x', sizeof frame);
  // a warm-up third, then the measured rest
  long long total = (long long) rate * seconds, warm = total / 3, writes = 0, rounds = 0;
  double at_start = -1;
  long long start = now_ns();
  while (writes < total) {
    if (at_start < 0 && writes >= warm) {
      at_start = cpu_seconds();
    }
    long long due = start + rounds * FAN * 1000000000LL / rate, now = now_ns();
    if (now < due) {
      struct timespec pause = {0, due - now};
      nanosleep(&pause, NULL);
      continue;
    }
    int room = rounds % (conns / FAN);
    for (int i = 0; i < FAN; i++) {
      send(sockets[room * FAN + i], frame, sizeof frame, 0);
      writes++;
    }
    rounds++;
  }
  double cpu = cpu_seconds() - at_start;
  long long measured = total - warm;
  printf("writes=%lld cpu=%.2fs -> %.2f µs per write, %.0f writes per CPU-second\n", measured, cpu,
      cpu * 1e6 / measured, measured / cpu);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[1], "server") == 0 && argc < 6)) {
    fprintf(stderr, "usage: %s server PORT CONNS WRITES_PER_SECOND SECONDS | client PORT CONNS\n", argv[0]);
    return 2;
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2])),
      .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int conns = atoi(argv[3]);
  if (strcmp(argv[1], "client") == 0) {
    return client(&addr, conns);
  }
  return server(&addr, conns, atoi(argv[4]), atoi(argv[5]));
}
