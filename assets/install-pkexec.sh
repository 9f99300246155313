#!/bin/sh
# Installs what lets the Berth app start berthd through pkexec when the app is not root, as a
# package would: the polkit action (org.berth.berthd.policy -> /usr/share/polkit-1/actions/) and
# its launcher (berthd-launch -> /usr/libexec/berth/berthd-launch, with this tree and node written
# in, since pkexec passes no environment), and the `berth` group whose members may use berthd's
# socket. Run as root:
#   assets/install-pkexec.sh [--home DIR] [--node PATH]   install (DIR: the Berth tree, default this one)
#   assets/install-pkexec.sh --uninstall                  remove the policy and the launcher
# The tree must be root's alone (not writable by other users): the launcher runs its berthd as root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
POLICY_DIR=/usr/share/polkit-1/actions
POLICY="$POLICY_DIR/org.berth.berthd.policy"
LAUNCHER_DIR=/usr/libexec/berth
LAUNCHER="$LAUNCHER_DIR/berthd-launch"

home=$(dirname "$here")
node=$(command -v node || true)
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home=$2; shift 2 ;;
    --node) node=$2; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    *) echo "install-pkexec: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "install-pkexec: run as root (it writes $POLICY and $LAUNCHER)" >&2; exit 1; }

if [ "$uninstall" = 1 ]; then
  rm -f "$POLICY" "$LAUNCHER"
  rmdir "$LAUNCHER_DIR" 2>/dev/null || true
  echo "install-pkexec: removed $POLICY and $LAUNCHER"
  exit 0
fi

home=$(cd "$home" && pwd -P)
[ -n "$node" ] || { echo "install-pkexec: no node in PATH; pass --node /path/to/node" >&2; exit 1; }
node=$(readlink -f "$node")
[ -f "$home/runtime-helper/dist/main.js" ] || echo "install-pkexec: note: $home/runtime-helper/dist/main.js is not built yet (npm run build)" >&2
case "$home$node" in *"'"*|*'|'*|*'&'*) echo "install-pkexec: paths with ' | or & are not supported" >&2; exit 1 ;; esac
# A tree others can write would let them run code as root through the launcher.
writable=$(find "$home/runtime-helper/dist" "$node" \( -perm -o+w -o -perm -g+w \) ! -type l -print -quit 2>/dev/null || true)
[ -z "$writable" ] || echo "install-pkexec: warning: $writable is writable by others; berthd runs it as root" >&2

mkdir -p "$LAUNCHER_DIR"
tmp="$LAUNCHER.tmp.$$"
sed -e "s|@BERTH_HOME@|$home|g" -e "s|@NODE@|$node|g" "$here/berthd-launch" > "$tmp"
chown root:root "$tmp"; chmod 0755 "$tmp"; mv -f "$tmp" "$LAUNCHER"
install -o root -g root -m 0644 "$here/org.berth.berthd.policy" "$POLICY"
getent group berth >/dev/null || groupadd --system berth
echo "install-pkexec: installed $POLICY and $LAUNCHER (berthd from $home, node $node)"
echo "install-pkexec: users in group berth can use berthd's socket: usermod -aG berth USER (then log in again)"
