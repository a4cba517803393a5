#!/usr/bin/env bash
# Puts Debian unstable's nats-server build in .servers/current/nats-server without installing it (the
# system's nats-server, Debian 12's 2.9.10, stays the peer of every other test). The partition tests run on
# this one: 2.9.10 can lose acknowledged writes when a cut-off server rejoins (see the README's Reliability
# section), and the stacks ship a newer server than that. Downloads the package with apt's own tools into a
# scratch directory; needs deb.debian.org and dpkg-deb. Prints the version it has.
set -euo pipefail
cd "$(dirname "$0")/.."
target=.servers/current
if [ -x "$target/nats-server" ] && "$target/nats-server" --version >/dev/null 2>&1; then
  "$target/nats-server" --version
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/lists/partial" "$scratch/cache/archives/partial" "$scratch/download"
echo "deb http://deb.debian.org/debian sid main" >"$scratch/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=$scratch/sources.list"
  -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$scratch/lists"
  -o "Dir::Cache=$scratch/cache"
  # apt drops to the _apt user to download, which cannot write a scratch directory made by another user.
  -o APT::Sandbox::User=root
)
apt-get "${apt_options[@]}" update -qq
(cd "$scratch/download" && apt-get "${apt_options[@]}" download -qq nats-server)
dpkg-deb -x "$scratch"/download/nats-server_*.deb "$scratch/unpacked"
mkdir -p "$target"
install -m 0755 "$scratch/unpacked/usr/sbin/nats-server" "$target/nats-server"
"$target/nats-server" --version
