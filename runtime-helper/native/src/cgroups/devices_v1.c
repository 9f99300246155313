/* Device rules: the defaults every container gets, the v1 devices.allow/deny text form, and
 * writing them to the v1 devices controller in order (the last matching rule wins). */
#include <inttypes.h>
#include <stdio.h>

#include "cgroups/internal.h"

const struct cg_dev_rule cg_default_device_rules[] = {
    {true, 'c', -1, -1, CG_DEV_MKNOD}, /* mknod of any device; opening is what is checked */
    {true, 'b', -1, -1, CG_DEV_MKNOD},
    {true, 'c', 1, 3, CG_DEV_ALL},     /* /dev/null */
    {true, 'c', 1, 8, CG_DEV_ALL},     /* /dev/random */
    {true, 'c', 1, 7, CG_DEV_ALL},     /* /dev/full */
    {true, 'c', 5, 0, CG_DEV_ALL},     /* /dev/tty */
    {true, 'c', 1, 5, CG_DEV_ALL},     /* /dev/zero */
    {true, 'c', 1, 9, CG_DEV_ALL},     /* /dev/urandom */
    {true, 'c', 5, 1, CG_DEV_ALL},     /* /dev/console */
    {true, 'c', 136, -1, CG_DEV_ALL},  /* /dev/pts/N */
    {true, 'c', 5, 2, CG_DEV_ALL},     /* /dev/ptmx */
    {true, 'c', 10, 200, CG_DEV_ALL},  /* /dev/net/tun */
};
const size_t cg_default_device_rules_count =
    sizeof cg_default_device_rules / sizeof cg_default_device_rules[0];

static void format_number(char *buf, size_t size, int64_t v) {
  if (v < 0)
    snprintf(buf, size, "*");
  else
    snprintf(buf, size, "%" PRId64, v);
}

void cg_dev_rule_format(const struct cg_dev_rule *rule, char *buf, size_t size) {
  if (rule->type == 'a' && rule->major < 0 && rule->minor < 0 && rule->access == CG_DEV_ALL) {
    snprintf(buf, size, "a");
    return;
  }
  char major[24], minor[24], access[4];
  format_number(major, sizeof major, rule->major);
  format_number(minor, sizeof minor, rule->minor);
  size_t n = 0;
  if (rule->access & CG_DEV_READ) access[n++] = 'r';
  if (rule->access & CG_DEV_WRITE) access[n++] = 'w';
  if (rule->access & CG_DEV_MKNOD) access[n++] = 'm';
  access[n] = '\0';
  snprintf(buf, size, "%c %s:%s %s", rule->type, major, minor, access);
}

static int write_rule(const struct cgroup_fs *fs, const char *dir, const struct cg_dev_rule *rule,
                      berth_error_t *err) {
  char line[64];
  cg_dev_rule_format(rule, line, sizeof line);
  return cg_write(fs, dir, rule->allow ? "devices.allow" : "devices.deny", line, err);
}

int cg_v1_apply_devices(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                        berth_error_t *err) {
  for (size_t i = 0; i < r->n_devices; i++)
    if (write_rule(fs, dir, &r->devices[i], err) < 0) return -1;
  for (size_t i = 0; i < cg_default_device_rules_count; i++)
    if (write_rule(fs, dir, &cg_default_device_rules[i], err) < 0) return -1;
  return 0;
}
