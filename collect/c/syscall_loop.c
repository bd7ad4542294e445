/*
 * ocibench-syscall-loop: the cost of a system call, in nanoseconds per call.
 *
 * Method: for each test, call the system call in batches of BATCH calls and read the monotonic
 * clock between batches, until at least the target duration has passed; the result is elapsed
 * time / calls. Timing by duration instead of by a fixed count keeps the run short both where a
 * call costs ~50 ns (a plain process) and where it costs tens of microseconds (a sandbox that
 * intercepts every call, such as gVisor with the ptrace platform).
 *
 * Tests:
 *   getppid     syscall(SYS_getppid): the cheapest round trip into the kernel (no libc caching)
 *   read_zero   read(2) of 1 byte from /dev/zero: a file-descriptor call through the VFS
 *
 * Usage: ocibench-syscall-loop [-d MILLISECONDS]   (per test, default 1000)
 * Output, one line per test: "<test> <ns per call> ns/call <calls> calls <seconds> s".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void report(const char *test, long calls, double seconds) {
  printf("%-10s %12.1f ns/call %12ld calls %10.6f s\n", test, seconds * 1e9 / (double)calls,
         calls, seconds);
}

static void run_getppid(double target) {
  long calls = 0;
  double start = now_seconds(), elapsed;
  do {
    for (int i = 0; i < BATCH; i++) syscall(SYS_getppid);
    calls += BATCH;
    elapsed = now_seconds() - start;
  } while (elapsed < target);
  report("getppid", calls, elapsed);
}

static int run_read_zero(double target) {
  int fd = open("/dev/zero", O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "ocibench-syscall-loop: cannot open /dev/zero: %s\n", strerror(errno));
    return 1;
  }
  char byte;
  long calls = 0;
  double start = now_seconds(), elapsed;
  do {
    for (int i = 0; i < BATCH; i++) {
      if (read(fd, &byte, 1) != 1) {
        fprintf(stderr, "ocibench-syscall-loop: read of /dev/zero failed: %s\n", strerror(errno));
        close(fd);
        return 1;
      }
    }
    calls += BATCH;
    elapsed = now_seconds() - start;
  } while (elapsed < target);
  close(fd);
  report("read_zero", calls, elapsed);
  return 0;
}

int main(int argc, char **argv) {
  long ms = 1000;
  if (argc == 3 && strcmp(argv[1], "-d") == 0) {
    char *end = NULL;
    errno = 0;
    ms = strtol(argv[2], &end, 10);
    if (errno != 0 || end == argv[2] || *end != '\0' || ms <= 0) {
      fprintf(stderr, "ocibench-syscall-loop: -d needs a positive number of milliseconds, got \"%s\"\n",
              argv[2]);
      return 2;
    }
  } else if (argc != 1) {
    fprintf(stderr, "usage: ocibench-syscall-loop [-d MILLISECONDS]\n");
    return 2;
  }
  double target = (double)ms / 1000.0;
  printf("ocibench-syscall-loop 1\n");
  run_getppid(target);
  fflush(stdout);
  return run_read_zero(target);
}
