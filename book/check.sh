#!/usr/bin/env bash
# `just book-check`: the built book (target/book, from `just book`) in a real browser.
# Installs Debian's chromium when missing, serves the book on localhost, loads two pages
# headless, and checks their DOM: the Python/Rust pair side by side, the runtime tabs, the
# diff tab where runtimes differ, the search box. Screenshots go to target/book-check/.
set -euo pipefail
cd "$(dirname "$0")/.."

# Seconds since $1 (from `date +%s%N`), to a tenth.
elapsed() {
    local ns=$(($(date +%s%N) - $1))
    printf '%d.%d' $((ns / 1000000000)) $((ns / 100000000 % 10))
}
started=$(date +%s%N)
book=target/book
out=target/book-check
[ -f "$book/index.html" ] || { echo "book-check: no $book/index.html; run 'just book' first" >&2; exit 1; }

if ! command -v chromium > /dev/null; then
    echo "book-check: installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
chromium --version 2> /dev/null

rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# target/ is served: the book under /book/, the screenshot frames under /book-check/.
python3 -m http.server "$port" --bind 127.0.0.1 --directory target > "$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2> /dev/null || true; rm -rf "$profile"' EXIT
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$port/book/index.html" > /dev/null && break
    sleep 0.1
done

browser() {
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --hide-scrollbars --virtual-time-budget=3000 "$@" 2> /dev/null
}

failed=0
expect() { # expect PAGE WHAT PATTERN: the page's DOM has PATTERN
    if grep -q -- "$3" "$out/$1.dom.html"; then
        echo "  ok: $2"
    else
        echo "  MISSING: $2 ($3)"
        failed=1
    fi
}

# A parity concept (Python beside Rust, a tab per runtime and CPython's) and the runtime
# differences (Rust only, one trace per runtime and a diff tab).
for page in gather runtime-differences; do
    url="http://127.0.0.1:$port/book/$page.html"
    page_started=$(date +%s%N)
    browser --dump-dom "$url" > "$out/$page.dom.html"
    # The screenshot starts at the first scenario that has the page's layout.
    anchor=$(python3 - "$out/$page.dom.html" << 'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
first = min((i for i in (dom.find('class="rosetta-pair"'), dom.find('class="rosetta-tabs"')) if i >= 0), default=0)
ids = re.findall(r'<h2 id="([^"]+)"', dom[:first])
print(ids[-1] if ids else "")
PY
)
    # Headless chromium paints nothing when the page itself is opened at an anchor, so the
    # page is framed, at its anchor, by a page of the same size.
    printf '<!doctype html><body style="margin:0"><iframe src="../book/%s.html#%s" style="border:0;width:1600px;height:1300px"></iframe>\n' \
        "$page" "$anchor" > "$out/frame-$page.html"
    browser --window-size=1600,1300 --screenshot="$out/$page.png" "http://127.0.0.1:$port/book-check/frame-$page.html" > /dev/null
    echo "$page.html: $(wc -c < "$out/$page.dom.html") bytes of DOM, screenshot $out/$page.png ($(elapsed "$page_started") s)"
    expect "$page" "the book's stylesheet" 'theme/rosetta[-0-9a-f]*\.css'
    css=$(grep -o 'theme/rosetta[-0-9a-f]*\.css' "$out/$page.dom.html" | head -1 || true)
    if [ -n "$css" ] && curl -sf "http://127.0.0.1:$port/book/$css" | grep -q 'grid-template-columns'; then
        echo "  ok: the stylesheet is served, with the side-by-side grid"
    else
        echo "  MISSING: the stylesheet served with the grid"
        failed=1
    fi
    expect "$page" "the runtime tabs" 'class="rosetta-tabs"'
    for runtime in tokio tokio-mt async-std smol; do
        expect "$page" "a tab for $runtime" "<label for=\"trace-[a-z_0-9]*-$runtime\">$runtime</label>"
    done
    expect "$page" "the search box" 'id="mdbook-searchbar"\|id="searchbar"'
    [ -s "$out/$page.png" ] || { echo "  MISSING: the screenshot"; failed=1; }
done
expect gather "the Python/Rust pair side by side" 'class="rosetta-pair"'
expect gather "the Python original" '<div class="rosetta-python">'
expect gather "the Rust translation" '<div class="rosetta-rust">'
expect gather "a tab for aio-loop" '>aio-loop</label>'
expect gather "a tab for CPython" '>CPython</label>'
expect runtime-differences "a diff tab where runtimes differ" '>diff</label>'
expect runtime-differences "a highlighted diff" 'language-diff'

echo "book-check: $(elapsed "$started") s"
if [ "$failed" != 0 ]; then
    echo "book-check: FAILED" >&2
    exit 1
fi
echo "book-check: passed"
