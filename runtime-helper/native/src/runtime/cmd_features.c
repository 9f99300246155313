/* features: what this runtime supports, in the runtime-spec "features" document format. */
#include <stdio.h>

#include "runtime/runtime.h"

int cmd_features(const struct global_opts *g, int argc, char **argv) {
  (void)g, (void)argc, (void)argv;
  puts("{\n"
       "  \"ociVersionMin\": \"1.0.0\",\n"
       "  \"ociVersionMax\": \"" BERTH_OCI_VERSION "\",\n"
       "  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", \"startContainer\", \"poststart\", \"poststop\"],\n"
       "  \"mountOptions\": [\"async\", \"atime\", \"bind\", \"defaults\", \"dev\", \"diratime\", \"dirsync\", \"exec\",\n"
       "    \"mand\", \"noatime\", \"nodev\", \"nodiratime\", \"noexec\", \"nomand\", \"norelatime\", \"nostrictatime\",\n"
       "    \"nosuid\", \"private\", \"rbind\", \"relatime\", \"remount\", \"ro\", \"rprivate\", \"rshared\", \"rslave\",\n"
       "    \"runbindable\", \"rw\", \"shared\", \"slave\", \"strictatime\", \"suid\", \"sync\", \"tmpcopyup\", \"unbindable\"],\n"
       "  \"linux\": {\n"
       "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"user\", \"uts\"],\n"
       "    \"capabilities\": [],\n"
       "    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, \"systemdUser\": false},\n"
       "    \"seccomp\": {\"enabled\": true, \"actions\": [\"SCMP_ACT_ALLOW\", \"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\",\n"
       "      \"SCMP_ACT_KILL_PROCESS\", \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", \"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"],\n"
       "      \"operators\": [\"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", \"SCMP_CMP_GT\", \"SCMP_CMP_LE\", \"SCMP_CMP_LT\",\n"
       "      \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"]},\n"
       "    \"apparmor\": {\"enabled\": false},\n"
       "    \"selinux\": {\"enabled\": false}\n"
       "  }\n"
       "}");
  return 0;
}
