#!/bin/bash
# Create an unprivileged user with subordinate uid/gid ranges (for
# newuidmap/newgidmap), if it does not exist yet.  Idempotent.
#   scripts/ensure-user.sh NAME
set -euo pipefail
name=${1:?usage: ensure-user.sh NAME}

if ! id -u "$name" >/dev/null 2>&1; then
	useradd --create-home --shell /bin/bash "$name"
fi
# 65536 ids each, from a base derived from the uid so users do not overlap.
uid=$(id -u "$name")
base=$((200000 + (uid % 1000) * 65536))
for f in /etc/subuid /etc/subgid; do
	touch "$f"
	if ! grep -q "^$name:" "$f"; then
		echo "$name:$base:65536" >>"$f"
	fi
done
