#!/bin/sh
# Fail when the module references a symbol that neither the kore binary nor
# the libraries it links export: such a module links, then dies at load.
set -eu
mod=$1
kore=${KORE_BIN:-/usr/bin/kore}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	nm -D --defined-only "$kore"
	# Libraries by path, and the loader itself (listed without "=>").
	for lib in $(ldd "$mod" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		nm -D --defined-only "$lib"
	done
} | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp"
missing=$(nm -D --undefined-only "$mod" | awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' |
    sort -u | comm -23 - "$tmp")
if [ -n "$missing" ]; then
	echo "symcheck: $mod references symbols nothing exports:" >&2
	echo "$missing" | sed 's/^/	/' >&2
	exit 1
fi
