#!/usr/bin/env bash
# crun 1.8 refuses hybrid cgroup layouts where a controller (here hugetlb) is left on the v2
# mount ("cgroups in hybrid mode not supported"). Before the crun test pass, mount hugetlb as v1
# when it sits on v2. berth-runtime does not need this; its passes run before this one.
set -euo pipefail
unified=/sys/fs/cgroup/unified/cgroup.controllers
if [ -f "$unified" ] && grep -qw hugetlb "$unified" && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
  mkdir -p /sys/fs/cgroup/hugetlb
  mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi
