#!/usr/bin/env bash
# Installs what the test suite needs beyond npm: Debian's Chromium (page tests), LibreOffice Calc and poppler-utils
# (the printed workbook test), promtool and docker-compose (ops checks) and Apache Kafka's jars
# (broker for transport tests, resolved by Maven from Maven Central). Idempotent; quiet when all is present.
# With CI=true a missing piece that cannot be installed is an error; on a developer's machine it is a loud warning
# and the tests that need it skip.
set -uo pipefail
cd "$(dirname "$0")/.."
fail() { if [ "${CI:-}" = "true" ]; then echo "test-deps: $*" >&2; exit 1; else echo "test-deps: WARNING: $* (tests needing it will skip)" >&2; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: installing Debian chromium…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || fail "could not install chromium"
  else
    fail "chromium is not installed (apt-get install chromium)"
  fi
fi

# promtool (Debian's prometheus package) checks every process's /metrics; docker-compose validates infra/compose.yaml
# against the Compose specification (`config` only: no image is pulled, no daemon is needed).
for pair in promtool:prometheus docker-compose:docker-compose; do
  tool=${pair%%:*}; pkg=${pair##*:}
  if ! command -v "$tool" >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "test-deps: installing Debian $pkg…"
      (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null)) || fail "could not install $pkg ($tool)"
    else
      fail "$tool is not installed (apt-get install $pkg)"
    fi
  fi
done

# CJK fonts so page screenshots show Chinese labels instead of boxes.
if [ ! -d /usr/share/fonts/opentype/noto ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || echo "test-deps: WARNING: fonts-noto-cjk not installed (screenshots will lack Chinese glyphs)" >&2
fi

# LibreOffice Calc prints the KPI workbook to PDF, poppler-utils reads the PDF back (page sizes, text, PNG pages).
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: installing Debian libreoffice-calc and poppler-utils (a few minutes)…"
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils >/dev/null \
      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils >/dev/null)) \
      || fail "could not install libreoffice-calc and poppler-utils"
  else
    fail "libreoffice-calc or poppler-utils is not installed (apt-get install libreoffice-calc poppler-utils)"
  fi
fi

if [ -f infra/kafka/kafka.sh ]; then
  bash infra/kafka/kafka.sh install || fail "could not resolve Apache Kafka with Maven"
fi
exit 0
