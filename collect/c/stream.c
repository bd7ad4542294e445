/*
 * ocibench-stream: a STREAM-style memory bandwidth kernel.
 *
 * Method (after McCalpin's STREAM): three arrays of doubles, a[], b[] and c[], each far larger
 * than the caches, and four vector kernels timed one after another, repeated NTIMES times:
 *
 *   Copy:  c[i] = a[i]                 2 arrays moved  (16 bytes per element)
 *   Scale: b[i] = q * c[i]             2 arrays moved  (16 bytes per element)
 *   Add:   c[i] = a[i] + b[i]          3 arrays moved  (24 bytes per element)
 *   Triad: a[i] = b[i] + q * c[i]      3 arrays moved  (24 bytes per element)
 *
 * The first repetition warms pages and caches and is left out of the statistics. For each kernel
 * the best rate (bytes moved / minimum time, in MB/s with 1 MB = 10^6 bytes) and the average,
 * minimum and maximum time in seconds are printed. The arrays' final contents are checked against
 * the same recurrence run on scalars; a mismatch exits with status 3.
 *
 * Usage: ocibench-stream [-n ELEMENTS] [-t NTIMES]
 *   -n  elements per array (default 20000000, i.e. 160 MB per array)
 *   -t  repetitions of the four kernels, at least 2 (default 10)
 *
 * Single-threaded on purpose: it measures what one core can pull from memory under each runtime.
 */
#define _POSIX_C_SOURCE 199309L
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_ELEMENTS 20000000L
#define DEFAULT_NTIMES 10
#define KERNELS 4

static const char *const kernel_names[KERNELS] = {"Copy", "Scale", "Add", "Triad"};
static const int arrays_moved[KERNELS] = {2, 2, 3, 3};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long parse_positive(const char *flag, const char *text) {
  char *end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value <= 0) {
    fprintf(stderr, "ocibench-stream: %s needs a positive integer, got \"%s\"\n", flag, text);
    exit(2);
  }
  return value;
}

static void usage(void) {
  fprintf(stderr, "usage: ocibench-stream [-n ELEMENTS] [-t NTIMES]\n");
  exit(2);
}

int main(int argc, char **argv) {
  long n = DEFAULT_ELEMENTS;
  long ntimes = DEFAULT_NTIMES;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      n = parse_positive("-n", argv[++i]);
    } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
      ntimes = parse_positive("-t", argv[++i]);
    } else {
      usage();
    }
  }
  if (ntimes < 2) {
    fprintf(stderr, "ocibench-stream: -t must be at least 2 (the first repetition is a warm-up)\n");
    return 2;
  }

  size_t bytes = (size_t)n * sizeof(double);
  double *a = malloc(bytes);
  double *b = malloc(bytes);
  double *c = malloc(bytes);
  if (a == NULL || b == NULL || c == NULL) {
    fprintf(stderr, "ocibench-stream: cannot allocate 3 arrays of %zu bytes: %s\n", bytes,
            strerror(errno));
    return 1;
  }

  const double q = 3.0;
  for (long j = 0; j < n; j++) {
    a[j] = 1.0;
    b[j] = 2.0;
    c[j] = 0.0;
  }

  double total[KERNELS] = {0}, least[KERNELS], most[KERNELS] = {0};
  for (int k = 0; k < KERNELS; k++) least[k] = DBL_MAX;

  for (long rep = 0; rep < ntimes; rep++) {
    double t[KERNELS];
    t[0] = now_seconds();
    for (long j = 0; j < n; j++) c[j] = a[j];
    t[0] = now_seconds() - t[0];

    t[1] = now_seconds();
    for (long j = 0; j < n; j++) b[j] = q * c[j];
    t[1] = now_seconds() - t[1];

    t[2] = now_seconds();
    for (long j = 0; j < n; j++) c[j] = a[j] + b[j];
    t[2] = now_seconds() - t[2];

    t[3] = now_seconds();
    for (long j = 0; j < n; j++) a[j] = b[j] + q * c[j];
    t[3] = now_seconds() - t[3];

    if (rep == 0) continue; /* warm-up: first touch of pages, caches */
    for (int k = 0; k < KERNELS; k++) {
      total[k] += t[k];
      if (t[k] < least[k]) least[k] = t[k];
      if (t[k] > most[k]) most[k] = t[k];
    }
  }

  /* Expected values: the same four kernels applied ntimes to scalars. */
  double ea = 1.0, eb = 2.0, ec = 0.0;
  for (long rep = 0; rep < ntimes; rep++) {
    ec = ea;
    eb = q * ec;
    ec = ea + eb;
    ea = eb + q * ec;
  }
  double err_a = 0, err_b = 0, err_c = 0;
  for (long j = 0; j < n; j++) {
    err_a += fabs(a[j] - ea);
    err_b += fabs(b[j] - eb);
    err_c += fabs(c[j] - ec);
  }
  const double epsilon = 1e-13;
  if (err_a / n / fabs(ea) > epsilon || err_b / n / fabs(eb) > epsilon ||
      err_c / n / fabs(ec) > epsilon) {
    fprintf(stderr, "ocibench-stream: results do not validate (mean abs errors %g %g %g)\n",
            err_a / n, err_b / n, err_c / n);
    return 3;
  }

  printf("ocibench-stream 1\n");
  printf("Array size = %ld elements, %.1f MB per array, %.1f MB total\n", n, bytes / 1e6,
         3.0 * bytes / 1e6);
  printf("Each kernel was run %ld times; the first run is not counted.\n", ntimes);
  printf("Function    Best Rate MB/s  Avg time     Min time     Max time\n");
  for (int k = 0; k < KERNELS; k++) {
    double moved = (double)arrays_moved[k] * (double)bytes;
    printf("%-6s %16.1f %12.6f %12.6f %12.6f\n", kernel_names[k], 1e-6 * moved / least[k],
           total[k] / (double)(ntimes - 1), least[k], most[k]);
  }
  printf("Solution validates\n");
  return 0;
}
