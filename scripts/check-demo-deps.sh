#!/usr/bin/env bash
# Proves that the demo's build needs nothing the demo does not install.
#
#   scripts/check-demo-deps.sh
#
# A developer's machine has every package, which hides a missing install
# step: on a bare Debian 12 the demo would stop at CMake's configure. So this
# configures the build exactly as scripts/demo.sh does, takes every file
# CMake found (programs, libraries, headers, pkg-config modules), asks dpkg
# which package holds it, and fails unless that package is one the demo's
# `install-deps.sh` installs or one of their dependencies.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$CHC_ROOT"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2046
cmake -S "$CHC_ROOT" -B "$work/build" $("$CHC_ROOT/scripts/demo.sh" --cmake-options) \
	--trace-format=json-v1 --trace-redirect="$work/trace.json" >/dev/null

# What the demo installs, and everything those packages pull in.
mapfile -t listed < <("$CHC_ROOT/scripts/install-deps.sh" --list)
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
	--no-replaces --no-enhances "${listed[@]}" 2>/dev/null |
	sed -n 's/^\([a-z0-9][^ <>]*\)$/\1/p' | sed 's/:.*//' | sort -u >"$work/closure"
# Virtual packages resolve to what provides them: keep the real names too.
printf '%s\n' "${listed[@]}" >>"$work/closure"

# Every file CMake found: FILEPATH and PATH entries of the cache, and the
# .pc file of every pkg-config module it asked for.
{
	sed -n 's/^[A-Za-z0-9_]*:\(FILEPATH\|PATH\)=\(\/.*\)$/\2/p' "$work/build/CMakeCache.txt"
	python3 - "$work/trace.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("cmd", "").lower() == "pkg_check_modules":
        for argument in event["args"]:
            if argument not in ("REQUIRED", "QUIET", "IMPORTED_TARGET", "GLOBAL") and \
                    argument != event["args"][0]:
                print("pkg-config:" + argument)
PY
} | sort -u >"$work/found"

missing=0
while IFS= read -r found; do
	case $found in
	pkg-config:*)
		found=$(pkg-config --path "${found#pkg-config:}" 2>/dev/null) || continue ;;
	"$work"/* | "$CHC_ROOT"/*) continue ;;
	esac
	[ -e "$found" ] || continue
	resolved=$(readlink -f "$found")
	package=$(dpkg -S "$resolved" 2>/dev/null | head -1 | sed "s|: /.*||") ||
		package=$(dpkg -S "$found" 2>/dev/null | head -1 | sed "s|: /.*||") || true
	[ -n "$package" ] || continue # made by a package's maintainer script
	# A directory (/usr/include) belongs to every package with files in it:
	# "liblemon-dev, libjansson-dev"; one of them in the closure is enough.
	owned=0
	for owner in ${package//,/ }; do
		grep -qx "${owner%%:*}" "$work/closure" && owned=1 && break
	done
	if [ "$owned" = 0 ]; then
		echo "the demo's build uses $found from $package, which the demo does not install" >&2
		missing=1
	fi
done <"$work/found"
[ "$missing" = 0 ] || die "add the packages above to the demo's list in scripts/install-deps.sh"
echo "the demo's build needs only what the demo installs ($(wc -l <"$work/found") files checked)"
