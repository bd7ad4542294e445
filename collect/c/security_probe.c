/*
 * ocibench-security-probe: what a workload inside a runtime is allowed to do, printed as one JSON
 * object on standard output. Every test is harmless by construction:
 *
 * - files are opened read-only or only stat()ed; nothing is ever written;
 * - each dangerous system call runs in a forked child, with arguments that make the kernel fail
 *   it after its filters and capability checks but before it acts (an unknown operation, a NULL
 *   buffer, a path that does not exist, a segment count above the kernel's maximum), so what
 *   comes back says whether the call got through, not what it would do;
 * - the fork test stops at --fork-cap children (default 256) even when no limit refuses it
 *   earlier; the children only wait on a pipe and are reaped before the probe exits;
 * - the memory test (--memory-hold BYTES, a separate run) touches at most BYTES in a child.
 *
 * Usage: security_probe [--fork-cap N]            print the JSON report
 *        security_probe --memory-hold BYTES        touch BYTES of memory in a child, print
 *                                                  "memory-hold <touched bytes> <outcome>"
 *
 * The parser is collect/benchmarks/security.ts; raw errno names are printed, never judged here.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_VERSION 1
#define DEFAULT_FORK_CAP 256

static int first_field = 1;

static void json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      putchar('\\');
      putchar(*p);
    } else if (*p == '\n') {
      fputs("\\n", stdout);
    } else if (*p < 0x20 || *p >= 0x7f) {
      printf("\\u%04x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('"');
}

static void key(const char *name) {
  if (!first_field) putchar(',');
  first_field = 0;
  json_string(name);
  putchar(':');
}

static void open_object(const char *name) {
  key(name);
  putchar('{');
  first_field = 1;
}

static void close_object(void) {
  putchar('}');
  first_field = 0;
}

static void field_string(const char *name, const char *value) {
  key(name);
  if (value) json_string(value);
  else fputs("null", stdout);
}

static void field_long(const char *name, long value) {
  key(name);
  printf("%ld", value);
}

static void field_bool(const char *name, int value) {
  key(name);
  fputs(value ? "true" : "false", stdout);
}

/* "EPERM" for EPERM, or "E<number>" for a value without a name here. */
static const char *errno_name(int e) {
  static char buf[16];
  switch (e) {
  case 0: return "OK";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ESRCH: return "ESRCH";
  case EIO: return "EIO";
  case ENXIO: return "ENXIO";
  case E2BIG: return "E2BIG";
  case ENOEXEC: return "ENOEXEC";
  case EBADF: return "EBADF";
  case ECHILD: return "ECHILD";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EBUSY: return "EBUSY";
  case EEXIST: return "EEXIST";
  case ENODEV: return "ENODEV";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EINVAL: return "EINVAL";
  case EMFILE: return "EMFILE";
  case ENOTTY: return "ENOTTY";
  case EROFS: return "EROFS";
  case ENOSYS: return "ENOSYS";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case ENOKEY: return "ENOKEY";
  case EKEYREJECTED: return "EKEYREJECTED";
  }
  snprintf(buf, sizeof buf, "E%d", e);
  return buf;
}

/* The first `max` bytes of a file, NUL-terminated, trailing newline kept; NULL when unreadable. */
static char *read_text(const char *path, size_t max, int *error) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (error) *error = errno;
    return NULL;
  }
  char *buf = malloc(max + 1);
  size_t used = 0;
  while (used < max) {
    ssize_t n = read(fd, buf + used, max - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (error) *error = errno;
      close(fd);
      free(buf);
      return NULL;
    }
    if (n == 0) break;
    used += (size_t)n;
  }
  close(fd);
  buf[used] = 0;
  if (error) *error = 0;
  return buf;
}

/* The value of "Name:\t..." in /proc/self/status, without surrounding space. */
static void status_fields(void) {
  static const char *names[] = {"Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
                                "NoNewPrivs", "Seccomp", "Seccomp_filters"};
  char *status = read_text("/proc/self/status", 65536, NULL);
  open_object("status");
  if (status) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      size_t len = strlen(names[i]);
      for (char *line = status; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, names[i], len) != 0 || line[len] != ':') continue;
        char *value = line + len + 1;
        while (*value == ' ' || *value == '\t') value++;
        char *end = strchr(value, '\n');
        size_t n = end ? (size_t)(end - value) : strlen(value);
        char *copy = strndup(value, n);
        for (char *t = copy; *t; t++) if (*t == '\t') *t = ' ';
        field_string(names[i], copy);
        free(copy);
        break;
      }
    }
    free(status);
  }
  close_object();
}

static void text_field(const char *name, const char *path) {
  int error = 0;
  char *text = read_text(path, 4096, &error);
  open_object(name);
  field_string("path", path);
  if (text) field_string("text", text);
  else field_string("error", errno_name(error));
  close_object();
  free(text);
}

/* --- dangerous system calls, each in a child ------------------------------------------------ */

typedef long (*call_fn)(void);

static long call_keyctl(void) { return syscall(SYS_keyctl, 0x7fffffffL, 0L, 0L, 0L, 0L); }
static long call_add_key(void) { return syscall(SYS_add_key, NULL, NULL, NULL, 0L, 0L); }
static long call_bpf(void) { return syscall(SYS_bpf, -1L, NULL, 0L); }
static long call_perf_event_open(void) {
  return syscall(SYS_perf_event_open, NULL, 0L, -1L, -1L, 0L);
}
static long call_userfaultfd(void) { return syscall(SYS_userfaultfd, ~0L); }
static long call_io_uring_setup(void) { return syscall(SYS_io_uring_setup, 0L, NULL); }
static long call_unshare_user(void) { return syscall(SYS_unshare, (long)CLONE_NEWUSER); }
/* A bind mount from a path that does not exist: refused by may_mount() without CAP_SYS_ADMIN,
 * ENOENT past it; nothing is ever mounted. */
static long call_mount(void) {
  return syscall(SYS_mount, "/nonexistent-ocibench-security-probe", "/", NULL, (long)MS_BIND,
                 NULL);
}
/* An unknown request on ourselves, whom nobody traces: ESRCH once past the filters. */
static long call_ptrace(void) { return syscall(SYS_ptrace, 0x7fffL, (long)getpid(), 0L, 0L); }
static long call_open_by_handle_at(void) {
  return syscall(SYS_open_by_handle_at, (long)AT_FDCWD, NULL, (long)O_RDONLY);
}
/* More segments than KEXEC_SEGMENT_MAX: EINVAL right after the CAP_SYS_BOOT check. Zero
 * segments would unload a loaded kernel, so never zero. */
static long call_kexec_load(void) { return syscall(SYS_kexec_load, 0L, 100000L, NULL, 0L); }
/* An empty module: ENOEXEC right after the CAP_SYS_MODULE check. */
static long call_init_module(void) { return syscall(SYS_init_module, NULL, 0L, ""); }
static long call_setns(void) { return syscall(SYS_setns, -1L, 0L); }
/* 0xffffffff queries the persona without changing it. */
static long call_personality(void) { return syscall(SYS_personality, 0xffffffffL); }

static const struct {
  const char *name;
  call_fn fn;
} CALLS[] = {
    {"keyctl", call_keyctl},
    {"add_key", call_add_key},
    {"bpf", call_bpf},
    {"perf_event_open", call_perf_event_open},
    {"userfaultfd", call_userfaultfd},
    {"io_uring_setup", call_io_uring_setup},
    {"unshare_newuser", call_unshare_user},
    {"mount", call_mount},
    {"ptrace", call_ptrace},
    {"open_by_handle_at", call_open_by_handle_at},
    {"kexec_load", call_kexec_load},
    {"init_module", call_init_module},
    {"setns", call_setns},
    {"personality", call_personality},
};

/* The child exits with the errno of the call (0 when it returned ≥ 0). */
static void probe_syscalls(void) {
  open_object("syscalls");
  for (size_t i = 0; i < sizeof CALLS / sizeof CALLS[0]; i++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      errno = 0;
      long r = CALLS[i].fn();
      _exit(r >= 0 ? 0 : (errno > 0 && errno < 256 ? errno : 255));
    }
    open_object(CALLS[i].name);
    if (pid < 0) {
      field_string("error", "fork failed");
      field_string("forkErrno", errno_name(errno));
    } else {
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (WIFEXITED(status)) {
        field_string("errno", errno_name(WEXITSTATUS(status)));
      } else if (WIFSIGNALED(status)) {
        field_long("signal", WTERMSIG(status));
      }
    }
    close_object();
  }
  close_object();
}

/* --- paths and devices ----------------------------------------------------------------------- */

/* Whether `path` can be written by us: mounted read-write, W_OK for us, and not masked by a
 * bind of /dev/null (writes there go nowhere). Nothing is opened for writing. */
static void writable_field(const char *name, const char *path) {
  struct stat st;
  struct statvfs vfs;
  open_object(name);
  field_string("path", path);
  if (stat(path, &st) != 0) {
    field_bool("exists", 0);
    field_string("error", errno_name(errno));
  } else {
    field_bool("exists", 1);
    int masked = S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
    field_bool("maskedByDevNull", masked);
    int ro = statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
    field_bool("readOnlyMount", ro);
    field_bool("accessW", access(path, W_OK) == 0);
    if (!(access(path, W_OK) == 0)) field_string("accessError", errno_name(errno));
  }
  close_object();
}

/* Whether the first 4 bytes of /proc/kcore are an ELF header: the host's memory is readable. */
static void kcore_field(void) {
  open_object("kcore");
  field_string("path", "/proc/kcore");
  int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    field_string("openError", errno_name(errno));
  } else {
    unsigned char head[4] = {0};
    ssize_t n = read(fd, head, sizeof head);
    field_long("bytesRead", n < 0 ? -1 : n);
    if (n < 0) field_string("readError", errno_name(errno));
    field_bool("elf", n == 4 && memcmp(head, "\177ELF", 4) == 0);
    close(fd);
  }
  close_object();
}

/* Entries of a directory (0 when empty or absent, -1 with the error when unreadable). */
static void directory_field(const char *name, const char *path) {
  open_object(name);
  field_string("path", path);
  DIR *dir = opendir(path);
  if (!dir) {
    field_string("error", errno_name(errno));
  } else {
    long entries = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) entries++;
    }
    closedir(dir);
    field_long("entries", entries);
  }
  close_object();
}

/* /dev/mem opened read-only (nothing read) and the block devices in /dev. */
static void devices_field(void) {
  open_object("devices");
  int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
  field_bool("devMemOpens", fd >= 0);
  if (fd < 0) field_string("devMemError", errno_name(errno));
  else close(fd);
  key("blockDevices");
  putchar('[');
  DIR *dir = opendir("/dev");
  int first = 1;
  if (dir) {
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
      char path[512];
      struct stat st;
      snprintf(path, sizeof path, "/dev/%s", e->d_name);
      if (lstat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
        if (!first) putchar(',');
        first = 0;
        json_string(e->d_name);
      }
    }
    closedir(dir);
  }
  putchar(']');
  first_field = 0;
  close_object();
}

/* --- network interfaces ---------------------------------------------------------------------- */

static void interfaces_field(void) {
  key("interfaces");
  putchar('[');
  int first = 1;
  char *dev = read_text("/proc/net/dev", 65536, NULL);
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (dev) {
    char *line = strchr(dev, '\n');
    if (line) line = strchr(line + 1, '\n'); /* two header lines */
    while (line && *++line) {
      char *colon = strchr(line, ':');
      char *next = strchr(line, '\n');
      if (!colon || (next && colon > next)) break;
      char name[IFNAMSIZ + 1] = {0};
      char *start = line;
      while (*start == ' ') start++;
      size_t n = (size_t)(colon - start) < IFNAMSIZ ? (size_t)(colon - start) : IFNAMSIZ;
      memcpy(name, start, n);
      if (!first) putchar(',');
      first = 0;
      putchar('{');
      first_field = 1;
      field_string("name", name);
      struct ifreq req;
      memset(&req, 0, sizeof req);
      memcpy(req.ifr_name, name, n);
      if (sock >= 0 && ioctl(sock, SIOCGIFHWADDR, &req) == 0) {
        unsigned char *a = (unsigned char *)req.ifr_hwaddr.sa_data;
        char mac[18];
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4],
                 a[5]);
        field_string("mac", mac);
      }
      putchar('}');
      line = next;
    }
    free(dev);
  }
  if (sock >= 0) close(sock);
  putchar(']');
  first_field = 0;
}

/* --- limits ---------------------------------------------------------------------------------- */

/* The path of our cgroup in `controller` ("" for the v2 hierarchy) from /proc/self/cgroup. */
static char *own_cgroup(const char *own, const char *controller) {
  for (const char *line = own; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    const char *first = strchr(line, ':');
    const char *second = first ? strchr(first + 1, ':') : NULL;
    const char *end = strchr(line, '\n');
    if (!second || (end && second > end)) continue;
    size_t len = (size_t)(second - first - 1);
    int match = *controller ? (len >= strlen(controller) &&
                               strncmp(first + 1, controller, strlen(controller)) == 0)
                            : len == 0;
    if (!match) continue;
    size_t n = end ? (size_t)(end - second - 1) : strlen(second + 1);
    return strndup(second + 1, n);
  }
  return NULL;
}

/* Reads the first of `file` in our own cgroup (as /proc/self/cgroup names it, for a run without
 * a cgroup namespace) or at the root of the mounted hierarchy (a cgroup namespace, or a
 * container that sees its own cgroup there), v2 then v1. */
static void limit_field(const char *name, const char *own, const char *v2file,
                        const char *v1controller, const char *v1file) {
  char *paths[4] = {0};
  char *v2own = own_cgroup(own, "");
  char *v1own = own_cgroup(own, v1controller);
  if (v2own && strcmp(v2own, "/") != 0) asprintf(&paths[0], "/sys/fs/cgroup%s/%s", v2own, v2file);
  if (v1own && strcmp(v1own, "/") != 0) {
    asprintf(&paths[1], "/sys/fs/cgroup/%s%s/%s", v1controller, v1own, v1file);
  }
  asprintf(&paths[2], "/sys/fs/cgroup/%s", v2file);
  asprintf(&paths[3], "/sys/fs/cgroup/%s/%s", v1controller, v1file);
  for (size_t i = 0; i < 4; i++) {
    if (!paths[i]) continue;
    char *text = read_text(paths[i], 64, NULL);
    if (!text) continue;
    text[strcspn(text, "\n")] = 0;
    open_object(name);
    field_string("value", text);
    field_string("path", paths[i]);
    close_object();
    free(text);
    break;
  }
  for (size_t i = 0; i < 4; i++) free(paths[i]);
  free(v2own);
  free(v1own);
}

/* The limits the workload's cgroup shows, and the cgroups it is in. */
static void cgroup_field(void) {
  char *own = read_text("/proc/self/cgroup", 4096, NULL);
  open_object("cgroup");
  limit_field("pidsMax", own ? own : "", "pids.max", "pids", "pids.max");
  limit_field("memoryMax", own ? own : "", "memory.max", "memory", "memory.limit_in_bytes");
  if (own) field_string("procSelfCgroup", own);
  free(own);
  close_object();
}

/* Forks children that wait on a pipe until fork is refused or `cap` children exist. */
static void fork_field(long cap) {
  int pipefd[2];
  open_object("fork");
  field_long("cap", cap);
  if (pipe(pipefd) != 0) {
    field_string("error", errno_name(errno));
    close_object();
    return;
  }
  pid_t *children = calloc((size_t)cap, sizeof(pid_t));
  long forked = 0;
  int refused = 0;
  fflush(stdout);
  while (forked < cap) {
    pid_t pid = fork();
    if (pid == 0) {
      char c;
      close(pipefd[1]);
      while (read(pipefd[0], &c, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    if (pid < 0) {
      refused = errno;
      break;
    }
    children[forked++] = pid;
  }
  close(pipefd[0]);
  close(pipefd[1]); /* the children read EOF and exit */
  for (long i = 0; i < forked; i++) {
    while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR) {
    }
  }
  free(children);
  field_long("forked", forked);
  field_string("refused", refused ? errno_name(refused) : NULL);
  close_object();
}

/* Touches up to `bytes` of memory, 1 MiB at a time, in a child; says how it ended. */
static int memory_hold(long bytes) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    const long chunk = 1L << 20;
    for (long done = 0; done < bytes; done += chunk) {
      char *p = mmap(NULL, (size_t)chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
      if (p == MAP_FAILED) _exit(2);
      memset(p, 0x5a, (size_t)chunk);
      long touched = done + chunk;
      if (write(pipefd[1], &touched, sizeof touched) != sizeof touched) _exit(3);
    }
    _exit(0);
  }
  close(pipefd[1]);
  if (pid < 0) return 1;
  long touched = 0, last = 0;
  while (read(pipefd[0], &last, sizeof last) == sizeof last) touched = last;
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const char *outcome = WIFSIGNALED(status) ? "killed"
                        : WEXITSTATUS(status) == 2 ? "refused"
                        : WEXITSTATUS(status) == 0 ? "completed"
                                                   : "failed";
  printf("memory-hold %ld %s", touched, outcome);
  if (WIFSIGNALED(status)) printf(" signal %d", WTERMSIG(status));
  putchar('\n');
  return 0;
}

static long parse_long(const char *text, const char *option) {
  char *end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno || !end || *end || value <= 0) {
    fprintf(stderr, "security_probe: %s needs a positive integer, got \"%s\"\n", option, text);
    exit(2);
  }
  return value;
}

int main(int argc, char **argv) {
  long fork_cap = DEFAULT_FORK_CAP;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--fork-cap") == 0 && i + 1 < argc) {
      fork_cap = parse_long(argv[++i], "--fork-cap");
      if (fork_cap > 4096) {
        fprintf(stderr, "security_probe: --fork-cap is at most 4096, got %ld\n", fork_cap);
        return 2;
      }
    } else if (strcmp(argv[i], "--memory-hold") == 0 && i + 1 < argc) {
      return memory_hold(parse_long(argv[++i], "--memory-hold"));
    } else {
      fprintf(stderr,
              "usage: security_probe [--fork-cap N] | security_probe --memory-hold BYTES\n");
      return 2;
    }
  }
  struct utsname uts;
  putchar('{');
  field_string("probe", "ocibench-security-probe");
  field_long("version", PROBE_VERSION);
  field_long("uid", (long)getuid());
  field_long("euid", (long)geteuid());
  status_fields();
  text_field("uidMap", "/proc/self/uid_map");
  text_field("gidMap", "/proc/self/gid_map");
  open_object("uname");
  if (uname(&uts) == 0) {
    field_string("sysname", uts.sysname);
    field_string("release", uts.release);
    field_string("version", uts.version);
    field_string("machine", uts.machine);
  }
  close_object();
  text_field("lsm", "/proc/self/attr/current");
  probe_syscalls();
  open_object("paths");
  kcore_field();
  writable_field("sysrqTrigger", "/proc/sysrq-trigger");
  writable_field("corePattern", "/proc/sys/kernel/core_pattern");
  writable_field("sys", "/sys");
  directory_field("sysFirmware", "/sys/firmware");
  close_object();
  devices_field();
  interfaces_field();
  cgroup_field();
  fork_field(fork_cap);
  puts("}");
  return 0;
}
