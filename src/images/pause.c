/*
 * pause: the first process of every pod sandbox in vcluster-ts images (vcluster-ts.local/pause).
 * It holds the pod's namespaces open and does nothing else: it sleeps until SIGINT or SIGTERM and
 * then exits 0, and as PID 1 of a shared PID namespace it reaps every child that exits (SIGCHLD).
 * Built with `gcc -static -Os -s` by src/images/catalog.ts; `pause -v` prints its version.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define VERSION "3.10-vcluster-ts"

static void on_shutdown(int signo) {
  (void)signo;
  _exit(0);
}

static void on_child(int signo) {
  int saved = errno;
  (void)signo;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int handle(int signo, void (*handler)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(signo, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    printf("pause version %s\n", VERSION);
    return 0;
  }
  if (getpid() != 1) fprintf(stderr, "pause: warning: not running as PID 1\n");
  if (handle(SIGINT, on_shutdown, 0) < 0 || handle(SIGTERM, on_shutdown, 0) < 0 ||
      handle(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) pause();
}
