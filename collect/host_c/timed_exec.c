/*
 * timed_exec RESULT_FILE PROGRAM [ARG...]
 *
 * Runs PROGRAM (looked up in PATH) with posix_spawnp, waits for it, and writes to RESULT_FILE one
 * line "<nanoseconds> <exit code or -1> <signal or 0>" measured with CLOCK_MONOTONIC from just
 * before the spawn to just after the wait. Standard input, output and error are inherited.
 * ocibench's process runner wraps each step in it so that a step's wall time excludes the cost
 * of starting a process from the (large) Deno runtime, as a small launcher like hyperfine's does.
 *
 * When the program cannot be started, the line is "spawn-error <errno>" and the exit code 127.
 * Otherwise timed_exec exits with the program's exit code, or 128 + the signal that ended it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static int write_result(const char *path, const char *line) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  int ok = fputs(line, f) >= 0;
  return (fclose(f) == 0 && ok) ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: timed_exec RESULT_FILE PROGRAM [ARG...]\n");
    return 125;
  }
  char line[96];
  struct timespec t0, t1;
  pid_t pid;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int err = posix_spawnp(&pid, argv[2], NULL, NULL, &argv[2], environ);
  if (err != 0) {
    snprintf(line, sizeof line, "spawn-error %d\n", err);
    write_result(argv[1], line);
    fprintf(stderr, "timed_exec: %s: %s\n", argv[2], strerror(err));
    return 127;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("timed_exec: waitpid");
      return 125;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  snprintf(line, sizeof line, "%lld %d %d\n", ns, code, sig);
  if (write_result(argv[1], line) != 0) perror("timed_exec: cannot write the result file");
  return sig ? 128 + sig : code;
}
