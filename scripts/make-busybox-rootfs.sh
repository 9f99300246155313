#!/usr/bin/env bash
# Builds the test image rootfs from Debian's busybox-static: applet links, /etc/passwd and
# /etc/group, the usual empty mount points. Output (idempotent, rebuilt when this script changes):
#   test-images/out/busybox/rootfs/      the tree (an OCI bundle's rootfs)
#   test-images/out/busybox.tar          the same tree as a tar (for `docker import` and friends)
# Usage: scripts/make-busybox-rootfs.sh [OUTDIR]   prints the rootfs path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$(cd "$here/.." && pwd)/test-images/out}"
dest="$out/busybox"
stamp="$dest/.stamp"
script_sum="$(sha256sum "$0" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$script_sum" ] && [ -x "$dest/rootfs/bin/busybox" ]; then
  echo "$dest/rootfs"; exit 0
fi
[ -x /bin/busybox ] || { echo "make-busybox-rootfs: /bin/busybox missing: apt-get install busybox-static" >&2; exit 1; }
# Only the static build works inside a rootfs without a libc.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "install ok installed" || { echo "make-busybox-rootfs: busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }

rm -rf "$dest"
root="$dest/rootfs"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,root,home,var/log,run}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
# One hard link per applet, in the directory busybox itself names for it.
"$root/bin/busybox" --list-full | while read -r applet; do
  [ "$applet" = "bin/busybox" ] && continue
  mkdir -p "$root/$(dirname "$applet")"
  ln -f "$root/bin/busybox" "$root/$applet"
done
cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
berth:x:1000:1000:Berth test user:/home/berth:/bin/sh
PW
cat > "$root/etc/group" <<'GR'
root:x:0:
daemon:x:1:
wheel:x:10:root
nogroup:x:65534:
berth:x:1000:
GR
mkdir -p "$root/home/berth"; chown 1000:1000 "$root/home/berth"
echo "berth-test" > "$root/etc/hostname"
: > "$root/etc/hosts"; : > "$root/etc/resolv.conf"
tar -C "$root" --numeric-owner -cf "$dest.tar" .
echo "$script_sum" > "$stamp"
echo "$root"
