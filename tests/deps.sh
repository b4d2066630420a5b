#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages dragnet needs to build and test, if any is
# missing: apt-get update once, then apt-get install. Run as root (or with
# sudo available). Both README commands call it first.
set -eu

# tzdata: the zone files (/usr/share/zoneinfo) behind named time zones in datetime().
PKGS="gcc pkg-config meson ninja-build liblmdb-dev lmdb-utils libigraph-dev \
libjansson-dev libutf8proc-dev libcriterion-dev python3 clang libclang-rt-14-dev libedit-dev libpcre2-dev \
python3-networkx graphviz tzdata"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
		echo "deps: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
