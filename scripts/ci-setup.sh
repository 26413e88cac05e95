#!/usr/bin/env bash
# The Debian packages `npm test` needs besides Node.js, in one place for .ci/run and both GitHub
# workflows (.github/workflows/test.yml and release.yml), so the three cannot drift apart.
#
# The queue-mode end-to-end suite (test/e2e/queue.e2e.js) runs n8n on its own Postgres cluster
# and Redis on loopback ports, from Debian's postgresql and redis-server. It starts Postgres with
# runuser as the postgres user, so the tests run as root: on this project's machines and in the
# workflows' Debian container they are.
#
# The start suite's editor check (test/e2e/start.e2e.js, editorInBrowser; scripts/picker-check.js)
# drives n8n's editor in Debian's chromium, headless, through playwright-core (an npm
# devDependency, which downloads no browser). Without its recommends (printing, a notification
# daemon, Mesa), which a headless browser does not use.
#
# Run again, it installs only what is missing, and nothing when all is there.
set -euo pipefail

has_postgres_and_redis() {
	command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
has_chromium() {
	command -v chromium >/dev/null
}
has_packages() {
	has_postgres_and_redis && has_chromium
}

if has_packages; then
	echo "ci-setup: postgresql, redis-server and chromium are installed"
	exit 0
fi

# Root needs no sudo (and a fresh Debian container has none); anyone else needs it for apt-get.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
	as_root=(sudo)
fi
apt_install() {
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
"${as_root[@]}" apt-get update -qq
if ! has_postgres_and_redis; then
	apt_install postgresql redis-server
	# Debian starts its own cluster and Redis on install where it can; the suite runs its own on
	# other ports, so those are left alone.
fi
if ! has_chromium; then
	apt_install --no-install-recommends chromium
fi

if ! has_packages; then
	echo "ci-setup: postgresql, redis-server or chromium is still missing after apt-get install" >&2
	exit 1
fi
echo "ci-setup: installed what was missing of postgresql, redis-server and chromium"
