#!/usr/bin/env bash
# A client that shares no code with the project: Google's protoc encodes the
# envelope from the .proto files, nngcat sends it over a REQ socket, protoc
# decodes the reply. Checks /chc.v1.Health/Check answers SERVING, and that
# garbage and unknown methods get their codes, on every service.
set -euo pipefail
build_dir=$1
source_dir=$2
proto=$source_dir/proto
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# $1 url, $2 file: sends the file's bytes, the reply lands in reply.bin.
# Debian's nngcat 1.5.2 now and then fails to set its receive timeout
# ("Cannot set recv timeout: Invalid argument") and sends nothing; a
# request is safe to repeat, so try again.
send_raw() {
	local attempt
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		nngcat --req --dial "$1" --file "$2" --raw --recv-timeout 5 --count 1 \
			>"$work/reply.bin" 2>/dev/null || true
		[ -s "$work/reply.bin" ] && return 0
		sleep 0.1
	done
	return 1
}

# $1 url, $2 text-format RpcRequest; prints the text-format RpcResponse.
call() {
	printf '%s' "$2" | protoc --proto_path="$proto" --encode=chc.v1.RpcRequest chc/v1/rpc.proto >"$work/request.bin"
	send_raw "$1" "$work/request.bin" || return 1
	protoc --proto_path="$proto" --decode=chc.v1.RpcResponse chc/v1/rpc.proto <"$work/reply.bin"
}

# Health is public; every other method needs a token (the fixture's).
admin_token=$(head -n 1 "$build_dir/test-home/admin.token")

for name in companies municipalities projects matching; do
	port=$(free_port)
	CHC_LISTEN=tcp://127.0.0.1:$port CHC_HTTP_LISTEN= CHC_EVENTS_LISTEN= CHC_DATABASE_URL=$CHC_TEST_DATABASE_URL \
		CHC_LOG_LEVEL=error "$build_dir/services/chc-$name" &
	pids+=($!)
	url=tcp://127.0.0.1:$port
	reply=""
	for _ in $(seq 50); do
		reply=$(call "$url" 'method: "/chc.v1.Health/Check" request_id: "interop-1"' 2>/dev/null) && break
		sleep 0.1
	done
	# The payload is a HealthCheckResponse: field 1 = 1 (SERVING) is the bytes 08 01.
	grep -q 'request_id: "interop-1"' <<<"$reply" || { echo "$name: no reply: $reply"; exit 1; }
	grep -q 'payload: "\\010\\001"' <<<"$reply" || { echo "$name: not SERVING: $reply"; exit 1; }
	if grep -q '^code:' <<<"$reply"; then echo "$name: health code not 0: $reply"; exit 1; fi

	reply=$(call "$url" 'method: "/chc.v1.Nope/Nothing" request_id: "interop-2"')
	grep -q '^code: 16' <<<"$reply" || { echo "$name: no token not UNAUTHENTICATED: $reply"; exit 1; }

	reply=$(call "$url" "method: \"/chc.v1.Nope/Nothing\" token: \"$admin_token\"")
	grep -q '^code: 12' <<<"$reply" || { echo "$name: unknown method not UNIMPLEMENTED: $reply"; exit 1; }

	reply=$(call "$url" 'method: "/chc.v1.Health/Check" deadline_unix_ms: 1000')
	grep -q '^code: 4' <<<"$reply" || { echo "$name: past deadline not DEADLINE_EXCEEDED: $reply"; exit 1; }

	printf '\xff\xff\xff\xff\x0f' >"$work/garbage.bin"
	send_raw "$url" "$work/garbage.bin"
	reply=$(protoc --proto_path="$proto" --decode=chc.v1.RpcResponse chc/v1/rpc.proto <"$work/reply.bin")
	grep -q '^code: 3' <<<"$reply" || { echo "$name: garbage not INVALID_ARGUMENT: $reply"; exit 1; }
	echo "$name: SERVING; no token 16, unknown method 12, past deadline 4, garbage 3"
done
echo "1 passed, 0 failed"
