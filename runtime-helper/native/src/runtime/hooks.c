#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileutil.h"

bool hooks_present(json_t *hooks, const char *kind) {
  return json_array_size(json_object_get(hooks, kind)) > 0;
}

static int string_vector(json_t *arr, const char *first, char ***out) {
  size_t n = json_array_size(arr);
  char **v = calloc(n + 2, sizeof *v);
  if (v == NULL) return -1;
  size_t k = 0;
  if (n == 0 && first) v[k++] = (char *)first;
  for (size_t i = 0; i < n; i++)
    if (json_is_string(json_array_get(arr, i))) v[k++] = (char *)json_string_value(json_array_get(arr, i));
  *out = v;
  return 0;
}

static int run_one(json_t *hook, const char *kind, const char *state, berth_error_t *err) {
  const char *path = json_string_value(json_object_get(hook, "path"));
  if (path == NULL) return berth_error_set(err, 0, "run %s hook: it has no path", kind);
  char **argv = NULL, **envp = NULL;
  if (string_vector(json_object_get(hook, "args"), path, &argv) < 0 ||
      string_vector(json_object_get(hook, "env"), NULL, &envp) < 0) {
    free(argv);
    return berth_error_errno(err, "run %s hook '%s'", kind, path);
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) {
    free(argv);
    free(envp);
    return berth_error_errno(err, "run %s hook '%s': pipe", kind, path);
  }
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    free(argv);
    free(envp);
    return berth_error_set(err, e, "run %s hook '%s': fork", kind, path);
  }
  if (pid == 0) {
    if (dup2(fds[0], 0) < 0) _exit(127);
    execve(path, argv, envp);
    _exit(127);
  }
  free(argv);
  free(envp);
  close(fds[0]);
  /* a hook that ignores its stdin must not kill us; restored, since the init's dispositions are
   * inherited by the container process */
  struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
  sigaction(SIGPIPE, &ignore, &old);
  berth_write_all(fds[1], state, strlen(state));
  close(fds[1]);
  sigaction(SIGPIPE, &old, NULL);
  json_t *t = json_object_get(hook, "timeout");
  int timeout_ms = json_is_integer(t) && json_integer_value(t) > 0 ? (int)json_integer_value(t) * 1000 : -1;
  if (timeout_ms > 0) {
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0) {
      struct pollfd p = {.fd = pidfd, .events = POLLIN};
      int r;
      do r = poll(&p, 1, timeout_ms);
      while (r < 0 && errno == EINTR);
      close(pidfd);
      if (r == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return berth_error_set(err, ETIMEDOUT, "run %s hook '%s': timed out after %d s", kind, path, timeout_ms / 1000);
      }
    }
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return berth_error_errno(err, "run %s hook '%s': wait", kind, path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status)) return berth_error_set(err, 0, "run %s hook '%s': exited with status %d", kind, path, WEXITSTATUS(status));
  return berth_error_set(err, 0, "run %s hook '%s': killed by signal %d", kind, path, WTERMSIG(status));
}

int hooks_run(json_t *hooks, const char *kind, const char *state_json, berth_error_t *err) {
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(hooks, kind), i, h) {
    if (run_one(h, kind, state_json, err) < 0) return -1;
  }
  return 0;
}
