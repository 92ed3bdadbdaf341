#!/usr/bin/env bash
# Formats the whole repository with Prettier (.prettierrc.json, .prettierignore) and checks that ESLint
# still passes: the one-time reformat after the branches that introduced Prettier have all been merged
# (a reformat on a branch would conflict with every other branch in flight). Afterwards `npm run lint`
# includes `prettier --check .`, and `npm run format` keeps files formatted.
#
#   scripts/format-all.sh            format, then print what changed
#   scripts/format-all.sh --check    only list the files Prettier would change (exit 1 if any)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--check" ]; then
  exec npx prettier --list-different .
fi
npx prettier --write --log-level warn .
npx eslint .
git diff --shortstat
