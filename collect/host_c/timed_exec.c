/*
 * timed_exec: ocibench's step timer, a small launcher that spawns a program with posix_spawn and
 * measures its wall time with CLOCK_MONOTONIC from just before the spawn to just after it is
 * reaped, so that a step's time excludes the cost of starting a process from the (large) Deno
 * runtime, as a small launcher like hyperfine's does. Two modes:
 *
 * timed_exec RESULT_FILE PROGRAM [ARG...]
 *   One run. PROGRAM is looked up in PATH; standard input, output and error are inherited. Writes
 *   to RESULT_FILE one line "<nanoseconds> <exit code or -1> <signal or 0>", or
 *   "spawn-error <errno>" (exit code 127) when PROGRAM cannot be started. Exits with the program's
 *   exit code, or 128 + the signal that ended it.
 *
 * timed_exec --serve
 *   A persistent timer: started once, it takes requests on standard input and answers on standard
 *   output, so every measured command is spawned from a process that is already warm (its pages
 *   mapped, its code paths hot), as hyperfine times every run from one process. Requests may
 *   overlap: children are reaped as they exit (SIGCHLD through a signalfd). A request is a list
 *   of NUL-terminated fields, one of:
 *     run ID FLAGS CWD STDIN STDOUT STDERR NENV KEY=VALUE... NARGV ARG...
 *     pid ID
 *   `run` spawns ARG... FLAGS holds `s` (start the child in a new session) and/or `a` (append to
 *   STDOUT/STDERR instead of truncating); CWD, STDIN, STDOUT, STDERR are paths, empty for
 *   "inherit" (STDIN empty is /dev/null); the NENV variables override the server's own
 *   environment, whose PATH (or the overriding one) is searched for ARG 0. The files are opened
 *   and the program found before the clock starts, so the time covers the spawn, the program and
 *   the reap only. `pid` asks for the pid of a command still running (to stop it). Answers, one
 *   line each:
 *     done ID NANOSECONDS EXIT_CODE_OR_-1 SIGNAL_OR_0 PID
 *     spawn-error ID ERRNO
 *     started ID PID          (to `pid`, while the command runs)
 *   Nothing is written while a command runs unless asked, so the caller stays asleep meanwhile.
 *   The server exits when its standard input ends and every child it started has been reaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long elapsed_ns(const struct timespec *t0, const struct timespec *t1) {
  return (long long)(t1->tv_sec - t0->tv_sec) * 1000000000LL + (t1->tv_nsec - t0->tv_nsec);
}

static int write_result(const char *path, const char *line) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  int ok = fputs(line, f) >= 0;
  return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int run_once(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: timed_exec RESULT_FILE PROGRAM [ARG...] | timed_exec --serve\n");
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
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  snprintf(line, sizeof line, "%lld %d %d\n", elapsed_ns(&t0, &t1), code, sig);
  if (write_result(argv[1], line) != 0) perror("timed_exec: cannot write the result file");
  return sig ? 128 + sig : code;
}

/* ---- server mode ---- */

struct child {
  pid_t pid;
  char *id;
  struct timespec t0;
};

static struct child *children;
static size_t n_children, cap_children;

/* Fields of the request being read. */
static char **fields;
static size_t n_fields, cap_fields;
static char *field;
static size_t field_len, field_cap;

static void *xrealloc(void *p, size_t size) {
  void *q = realloc(p, size);
  if (!q) {
    fprintf(stderr, "timed_exec: out of memory\n");
    exit(125);
  }
  return q;
}

static void answer(const char *text) {
  size_t len = strlen(text), done = 0;
  while (done < len) {
    ssize_t w = write(STDOUT_FILENO, text + done, len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      exit(125); /* nobody reads the answers any more */
    }
    done += (size_t)w;
  }
}

static const char *env_value(char *const *env, const char *key) {
  size_t k = strlen(key);
  for (; *env; env++) {
    if (strncmp(*env, key, k) == 0 && (*env)[k] == '=') return *env + k + 1;
  }
  return NULL;
}

/* The server's environment with the request's variables overriding it. */
static char **merged_env(char **overrides, size_t n) {
  size_t base = 0;
  while (environ[base]) base++;
  char **env = xrealloc(NULL, (base + n + 1) * sizeof *env);
  size_t out = 0;
  for (size_t i = 0; i < base; i++) {
    const char *eq = strchr(environ[i], '=');
    size_t k = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
    int overridden = 0;
    for (size_t j = 0; j < n && !overridden; j++) {
      overridden = strncmp(overrides[j], environ[i], k) == 0 && overrides[j][k] == '=';
    }
    if (!overridden) env[out++] = environ[i];
  }
  for (size_t j = 0; j < n; j++) env[out++] = overrides[j];
  env[out] = NULL;
  return env;
}

/* ARG 0 looked up in the request's PATH (posix_spawnp would search the server's own). */
static char *find_program(const char *name, char *const *env, int *err) {
  if (strchr(name, '/')) return strdup(name);
  const char *path = env_value(env, "PATH");
  if (!path) path = "/usr/local/bin:/usr/bin:/bin";
  *err = ENOENT;
  const char *start = path;
  for (;;) {
    const char *end = strchr(start, ':');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    char *candidate = xrealloc(NULL, len + strlen(name) + 3);
    if (len == 0) {
      strcpy(candidate, name);
    } else {
      memcpy(candidate, start, len);
      candidate[len] = '/';
      strcpy(candidate + len + 1, name);
    }
    struct stat st;
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(candidate, X_OK) == 0) return candidate;
      *err = EACCES;
    }
    free(candidate);
    if (!end) return NULL;
    start = end + 1;
  }
}

static int dev_null = -1;

static void spawn_error(const char *id, int err) {
  char line[160];
  snprintf(line, sizeof line, "spawn-error %s %d\n", id, err);
  answer(line);
}

static void spawn_request(void) {
  /* fields: run ID FLAGS CWD STDIN STDOUT STDERR NENV env... NARGV argv... */
  char *id = fields[1], *flags = fields[2], *cwd = fields[3];
  char *in = fields[4], *out = fields[5], *err_path = fields[6];
  size_t nenv = strtoul(fields[7], NULL, 10);
  char **env_over = &fields[8];
  char **argv = &fields[9 + nenv];
  char **env = merged_env(env_over, nenv);
  int err = 0;
  char *program = find_program(argv[0], env, &err);
  if (!program) {
    spawn_error(id, err);
    free(env);
    return;
  }
  int out_flags = O_WRONLY | O_CREAT | O_CLOEXEC | (strchr(flags, 'a') ? O_APPEND : O_TRUNC);
  int in_fd = in[0] ? open(in, O_RDONLY | O_CLOEXEC) : dev_null;
  int out_fd = out[0] ? open(out, out_flags, 0600) : -2;
  int err_fd = !err_path[0] ? -2 : strcmp(err_path, out) == 0 ? out_fd : open(err_path, out_flags, 0600);
  if (in_fd == -1 || out_fd == -1 || err_fd == -1) {
    int e = errno;
    if (in_fd >= 0 && in_fd != dev_null) close(in_fd);
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0 && err_fd != out_fd) close(err_fd);
    spawn_error(id, e);
    free(program);
    free(env);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  if (err_fd >= 0) posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  if (cwd[0]) posix_spawn_file_actions_addchdir_np(&actions, cwd);
  /* The server blocks SIGCHLD for its signalfd: the child gets an empty mask and default actions. */
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  short attr_flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (strchr(flags, 's')) attr_flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, attr_flags);

  struct timespec t0;
  pid_t pid;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = posix_spawn(&pid, program, &actions, &attr, argv, env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (in_fd != dev_null) close(in_fd);
  if (out_fd >= 0) close(out_fd);
  if (err_fd >= 0 && err_fd != out_fd) close(err_fd);
  free(program);
  free(env);
  if (rc != 0) {
    spawn_error(id, rc);
    return;
  }
  if (n_children == cap_children) {
    cap_children = cap_children ? 2 * cap_children : 8;
    children = xrealloc(children, cap_children * sizeof *children);
  }
  children[n_children++] = (struct child){pid, strdup(id), t0};
}

static void pid_request(void) {
  for (size_t i = 0; i < n_children; i++) {
    if (strcmp(children[i].id, fields[1]) != 0) continue;
    char line[160];
    snprintf(line, sizeof line, "started %s %d\n", children[i].id, (int)children[i].pid);
    answer(line);
    return;
  }
}

static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (pid <= 0) return;
    for (size_t i = 0; i < n_children; i++) {
      if (children[i].pid != pid) continue;
      char line[160];
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      snprintf(line, sizeof line, "done %s %lld %d %d %d\n", children[i].id,
               elapsed_ns(&children[i].t0, &t1), code, sig, (int)pid);
      answer(line);
      free(children[i].id);
      children[i] = children[--n_children];
      break;
    }
  }
}

/* Takes the bytes read from stdin, cutting them into fields and spawning complete requests. */
static void take_input(const char *buf, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (field_len + 1 >= field_cap) {
      field_cap = field_cap ? 2 * field_cap : 256;
      field = xrealloc(field, field_cap);
    }
    if (buf[i] != '\0') {
      field[field_len++] = buf[i];
      continue;
    }
    field[field_len] = '\0';
    if (n_fields == cap_fields) {
      cap_fields = cap_fields ? 2 * cap_fields : 32;
      fields = xrealloc(fields, cap_fields * sizeof *fields);
    }
    fields[n_fields++] = strdup(field);
    field_len = 0;
    int complete = 0;
    if (strcmp(fields[0], "pid") == 0) {
      if (n_fields < 2) continue;
      pid_request();
      goto reset;
    }
    if (strcmp(fields[0], "run") != 0) {
      fprintf(stderr, "timed_exec: unknown request \"%s\"\n", fields[0]);
      exit(125); /* the stream is out of step: nothing after this can be trusted */
    }
    if (n_fields >= 9) {
      size_t nenv = strtoul(fields[7], NULL, 10);
      if (n_fields >= 9 + nenv) {
        size_t nargv = strtoul(fields[8 + nenv], NULL, 10);
        complete = n_fields == 9 + nenv + nargv;
        if (complete && nargv == 0) {
          spawn_error(fields[1], EINVAL);
          goto reset;
        }
      }
    }
    if (!complete) continue;
    /* argv must end with NULL: make room after the last field. */
    if (n_fields == cap_fields) fields = xrealloc(fields, ++cap_fields * sizeof *fields);
    fields[n_fields] = NULL;
    spawn_request();
  reset:
    for (size_t f = 0; f < n_fields; f++) free(fields[f]);
    n_fields = 0;
  }
}

static int serve(void) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) != 0) return 125;
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    perror("timed_exec: signalfd");
    return 125;
  }
  signal(SIGPIPE, SIG_IGN);
  dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) {
    perror("timed_exec: /dev/null");
    return 125;
  }
  int input_open = 1;
  char buf[65536];
  while (input_open || n_children > 0) {
    struct pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    int n = poll(fds, input_open ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("timed_exec: poll");
      return 125;
    }
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo info;
      while (read(sfd, &info, sizeof info) == sizeof info) {
      }
      reap();
    }
    if (input_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        input_open = 0;
      } else {
        take_input(buf, (size_t)r);
      }
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
  return run_once(argc, argv);
}
