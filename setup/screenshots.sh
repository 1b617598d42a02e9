#!/usr/bin/env bash
# Saves screenshots of the customer portal (ticket list, ticket, new request) and of
# the backend ticket queue, taken by headless Chromium on sample data, into docs/.
#
#   ./setup/screenshots.sh            PNGs in docs/
#   SCREENSHOTS_DIR=/tmp/x ./setup/screenshots.sh
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOPERP_SCREENSHOTS_DIR="${SCREENSHOTS_DIR:-$REPO_DIR/docs}"
mkdir -p "$TOPERP_SCREENSHOTS_DIR"
SKIP_LINT=1 SKIP_DEMO=1 "$REPO_DIR/setup/test.sh" toperp_helpdesk_portal/tests/test_portal_screenshots.py
ls -l "$TOPERP_SCREENSHOTS_DIR"/*.png
