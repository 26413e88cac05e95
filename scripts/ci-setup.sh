#!/usr/bin/env bash
# The Debian packages `npm test` needs besides Node.js, in one place for .ci/run and both GitHub
# workflows (.github/workflows/test.yml and release.yml), so the three cannot drift apart.
#
# The queue-mode end-to-end suite (test/e2e/queue.e2e.js) runs n8n on its own Postgres cluster
# and Redis on loopback ports, from Debian's postgresql and redis-server. It starts Postgres with
# runuser as the postgres user, so the tests run as root: on this project's machines and in the
# workflows' Debian container they are.
set -euo pipefail

has_packages() {
	command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

if has_packages; then
	echo "ci-setup: postgresql and redis-server are installed"
	exit 0
fi

# Root needs no sudo (and a fresh Debian container has none); anyone else needs it for apt-get.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
	as_root=(sudo)
fi
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
# Debian starts its own cluster and Redis on install where it can; the suite runs its own on other
# ports, so those are left alone.

if ! has_packages; then
	echo "ci-setup: postgresql or redis-server is still missing after apt-get install" >&2
	exit 1
fi
echo "ci-setup: installed postgresql and redis-server"
