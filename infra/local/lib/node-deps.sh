# Installs the workspace's npm dependencies exactly as package-lock.json pins them.
# `npm ci` is tried first; some npm 11 releases refuse a lockfile that records optional
# platform-specific packages only for the platform it was written on (EUSAGE "Missing: … from
# lock file"); `npm install` then installs the same pinned versions from the same lockfile.
install_node_modules() {
  if ! npm ci --no-audit --no-fund; then
    echo "npm ci refused the lockfile; installing the same pinned versions with npm install" >&2
    npm install --no-audit --no-fund
  fi
}
