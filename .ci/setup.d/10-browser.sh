#!/usr/bin/env bash
# The browser tests (tests/e2e): Debian's Chromium and its driver, CJK fonts so
# Chinese pages render (and are screenshotted) as on a phone, and axe-core from
# the npm registry. Playwright drives /usr/bin/chromium; it never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# axe-core, pinned by the committed package-lock.json; node_modules is not committed.
if [ ! -f tests/e2e/node/node_modules/axe-core/axe.min.js ]; then
    npm ci --prefix tests/e2e/node --no-audit --no-fund --silent
fi
