#!/usr/bin/env bash
# Installs what the project needs to build, run and test, from Debian 12's
# packages. As root it uses apt-get; otherwise it checks and says what is
# missing. The Dockerfile runs this same script.
set -euo pipefail

build_packages=(build-essential cmake pkg-config git
	libnng-dev nng-utils protobuf-c-compiler libprotobuf-c-dev libprotobuf-dev
	libpq-dev libjansson-dev uuid-dev libssl-dev libmbedtls-dev liblemon-dev)
# postgresql-15 depends on postgresql-client-15, which has pg_basebackup for
# the read replicas (stack.sh start --replica, test_replica).
run_packages=(postgresql-15 postgresql-contrib curl ca-certificates python3)
test_packages=(libcmocka-dev valgrind cppcheck clang-format protobuf-compiler python3 openssl
	python3-protobuf glpk-utils clang libclang-rt-14-dev)

want=("${build_packages[@]}" "${run_packages[@]}")
case "${1:-}" in
--test) want+=("${test_packages[@]}") ;;
--build-only) want=("${build_packages[@]}") ;;
--list)
	# What the demo installs, one package a line (scripts/check-demo-deps.sh).
	printf '%s\n' "${want[@]}"
	exit 0
	;;
esac

missing=()
for package in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages: ${missing[*]}" >&2
	echo "install them as root: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
