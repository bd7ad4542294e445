/*
 * app_probe: waits until a server answers, from the host side (run natively, in the load
 * generator's network namespace). It retries every millisecond until the server answers or the
 * timeout passes, and prints one line:
 *
 *   ok <CLOCK_REALTIME ns of the answer> <attempts>
 *   timeout <attempts> <last error>
 *
 * Usage: app_probe http ADDRESS PORT PATH TIMEOUT_MS    (answer: a status line "HTTP/1.x 200")
 *        app_probe redis ADDRESS PORT - TIMEOUT_MS      (answer: "+PONG" to PING)
 *        app_probe postgres ADDRESS PORT - TIMEOUT_MS   (answer: an authentication request "R" to
 *                                                        a startup message as user postgres)
 *
 * Exit code 0 on an answer, 1 on timeout, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The text of a PostgreSQL ErrorResponse ('E', length, then fields of a type byte and a
 * NUL-terminated string): its message field 'M', or "" when `got` bytes hold none.
 */
static const char *postgres_error_message(const char *buf, size_t got) {
  for (size_t i = 5; i < got; i += strnlen(buf + i + 1, got - i - 1) + 2) {
    if (buf[i] == 'M') return buf + i + 1;
    if (buf[i] == 0) break;
  }
  return "";
}

/* One attempt: 1 when the server answered as expected, 0 otherwise (error text in `why`). */
static int attempt(const struct sockaddr_in *addr, const char *request, size_t request_size,
                   const char *expect, char *why, size_t why_size) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    snprintf(why, why_size, "socket: %s", strerror(errno));
    return 0;
  }
  struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int ok = 0;
  if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0) {
    snprintf(why, why_size, "connect: %s", strerror(errno));
  } else if (write(fd, request, request_size) != (ssize_t)request_size) {
    snprintf(why, why_size, "write: %s", strerror(errno));
  } else {
    char buf[256];
    size_t got = 0;
    size_t want = strlen(expect);
    while (got < want) {
      ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
      if (n <= 0) break;
      got += (size_t)n;
    }
    buf[got] = 0;
    if (got >= want && strncmp(buf, expect, want) == 0) {
      ok = 1;
    } else if (strncmp(expect, "HTTP/1.", 7) == 0 && got >= 12 && strncmp(buf, "HTTP/1.", 7) == 0 &&
               strncmp(buf + 8, " 200", 4) == 0) {
      ok = 1;
    } else if (expect[0] == 'R' && got > 5 && buf[0] == 'E') {
      snprintf(why, why_size, "answer: %.100s", postgres_error_message(buf, got));
    } else {
      char *nl = strpbrk(buf, "\r\n");
      if (nl) *nl = 0;
      snprintf(why, why_size, "answer: %.100s", got ? buf : "(none)");
    }
  }
  close(fd);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: app_probe http|redis|postgres ADDRESS PORT PATH TIMEOUT_MS\n");
    return 2;
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3]))};
  if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1) {
    fprintf(stderr, "app_probe: not an IPv4 address: %s\n", argv[2]);
    return 2;
  }
  char request[512];
  size_t request_size;
  const char *expect;
  if (strcmp(argv[1], "http") == 0) {
    snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", argv[4], argv[2]);
    request_size = strlen(request);
    expect = "HTTP/1.1 200";
  } else if (strcmp(argv[1], "redis") == 0) {
    snprintf(request, sizeof request, "PING\r\n");
    request_size = strlen(request);
    expect = "+PONG";
  } else if (strcmp(argv[1], "postgres") == 0) {
    /* A protocol 3.0 startup message: length, version 196608, then name/value pairs. */
    static const char params[] = "user\0postgres\0database\0postgres\0";
    request_size = 8 + sizeof params; /* sizeof counts the final NUL that ends the pairs */
    uint32_t length = htonl((uint32_t)request_size), version = htonl(196608);
    memcpy(request, &length, 4);
    memcpy(request + 4, &version, 4);
    memcpy(request + 8, params, sizeof params);
    expect = "R";
  } else {
    fprintf(stderr, "app_probe: unknown mode %s (http, redis or postgres)\n", argv[1]);
    return 2;
  }
  long long deadline = now_ns(CLOCK_MONOTONIC) + atoll(argv[5]) * 1000000LL;
  char why[160] = "no attempt";
  long attempts = 0;
  for (;;) {
    attempts++;
    if (attempt(&addr, request, request_size, expect, why, sizeof why)) {
      printf("ok %lld %ld\n", now_ns(CLOCK_REALTIME), attempts);
      return 0;
    }
    if (now_ns(CLOCK_MONOTONIC) > deadline) break;
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 1000000};
    nanosleep(&pause, NULL);
  }
  printf("timeout %ld %s\n", attempts, why);
  return 1;
}
