#!/usr/bin/env python3
"""Browser test of a built Rewind site, in real headless Chromium, over the DevTools protocol.

Standard library only: a local HTTP server serves the site on 127.0.0.1, Chromium is started with
--remote-debugging-port, and a small WebSocket client speaks CDP to one page target.

For every page (every .html under the site, DocC's api/ folder excepted):
  * it loads without a console error, an uncaught exception, a failed request, an HTTP error status
    or a request to anywhere but the local server;
  * a screenshot is saved in light and in dark mode (prefers-color-scheme emulated), and the page
    background differs between the two.
Then, once:
  * the theme toggle switches the theme, stores it in localStorage and the choice survives a reload;
  * on a page with hidden snippet lines: they are hidden, the copy text leaves them out, the toggle
    reveals them, and the copy button puts exactly the visible lines on the clipboard;
  * the search finds a known term and Enter opens the result's page;
  * the right arrow key opens the next page;
  * with JavaScript disabled a guide page still shows its content, hides the hidden lines and the
    script-only controls, and loads without errors;
  * every Markdown table renders as a table (no paragraph starts with "|"), and no "Copy API code" text
    holds an empty block (every snippet of every page is checked in the DOM);
  * verification lines keep text contrast of at least 4.5:1, light and dark, and are marked by a gutter;
  * each snippet's verdict line lists its hosts in version order (test first);
  * the home page offers its three ways in (learn, do, check a version);
  * at 390 px no page scrolls sideways and the sidebar starts closed (the menu button opens it);
  * an arrow key pressed inside a code block scrolls it and does not leave the page;
  * optional: a table cell's text (--table-cell PAGE=TEXT), a search's first result (--rank QUERY=PATH),
    and two hosts showing different outcomes for one snippet (--outcome-differs ID=VERSION,VERSION).

Prints one `ok - …` / `not ok - …` line per check and a closing `N passed, N failed` line;
exits 1 when a check fails, 2 when the browser cannot be driven at all.
"""

import argparse
import base64
import functools
import http.server
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


# --- A minimal WebSocket client (RFC 6455), enough for CDP over loopback -------------------------

class WebSocket:
    def __init__(self, url, timeout=30):
        parsed = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parsed.path + (("?" + parsed.query) if parsed.query else "")
        request = (f"GET {path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            response += chunk
        head, _, self.pending = response.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("websocket handshake refused: " + head.decode(errors="replace"))

    def _read_exact(self, n):
        while len(self.pending) < n:
            chunk = self.sock.recv(max(65536, n - len(self.pending)))
            if not chunk:
                raise ConnectionError("websocket closed")
            self.pending += chunk
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def recv(self, timeout):
        """One text message, or None when nothing arrives within `timeout` seconds."""
        self.sock.settimeout(timeout)
        message = b""
        try:
            while True:
                if not self.pending:
                    first = self.sock.recv(65536)
                    if not first:
                        raise ConnectionError("websocket closed")
                    self.pending += first
                b0, b1 = self._read_exact(2)
                self.sock.settimeout(30)  # the rest of a started frame must come
                opcode, final = b0 & 0x0F, b0 & 0x80
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack(">H", self._read_exact(2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", self._read_exact(8))[0]
                if b1 & 0x80:
                    mask = self._read_exact(4)
                    data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read_exact(n)))
                else:
                    data = self._read_exact(n)
                if opcode == 0x8:
                    raise ConnectionError("websocket closed by the browser")
                if opcode == 0x9:  # ping: answer with a pong
                    self.sock.sendall(bytes([0x8A, 0x80]) + os.urandom(4))
                    continue
                if opcode in (0x1, 0x2, 0x0):
                    message += data
                    if final:
                        return message.decode()
        except socket.timeout:
            if message:
                raise
            return None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- CDP over one browser connection, with one page session ---------------------------------------

class CDP:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def _received(self, raw):
        """Keeps an event; a JavaScript dialog (alert, confirm) is dismissed at once and kept as an event, so
        that injected script shows up as a problem instead of blocking the page."""
        msg = json.loads(raw)
        if msg.get("method") == "Page.javascriptDialogOpening":
            self.next_id += 1
            self.ws.send(json.dumps({"id": self.next_id, "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": False}, "sessionId": msg.get("sessionId")}))
        return msg

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        my_id = self.next_id
        message = {"id": my_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{method}: no answer in {timeout} s")
            raw = self.ws.recv(remaining)
            if raw is None:
                continue
            msg = self._received(raw)
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def pump(self, seconds):
        """Collects events for `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            raw = self.ws.recv(remaining)
            if raw is not None:
                self.events.append(self._received(raw))

    def wait_for(self, method, timeout=20, since=0):
        """Waits for an event named `method` (looking at events from index `since` on)."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            for i in range(checked, len(self.events)):
                if self.events[i].get("method") == method:
                    return self.events[i]
            checked = len(self.events)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} event in {timeout} s")
            raw = self.ws.recv(remaining)
            if raw is not None:
                self.events.append(self._received(raw))


class Page:
    """One tab: navigation, evaluation, input and the problems seen while it loads."""

    def __init__(self, cdp, session, origin):
        self.cdp = cdp
        self.session = session
        self.origin = origin
        self.mark = 0

    def send(self, method, params=None, timeout=30):
        return self.cdp.send(method, params, session=self.session, timeout=timeout)

    def evaluate(self, expression, await_promise=False):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise, "userGesture": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise RuntimeError(f"evaluate {expression[:60]!r}: {text}")
        return result.get("result", {}).get("value")

    def settle(self, quiet=0.3, limit=8.0):
        """Waits until no request has been in flight for `quiet` seconds (at most `limit` seconds)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            before = len(self.cdp.events)
            self.cdp.pump(quiet)
            pending = set()
            for e in self.cdp.events[self.mark:]:
                if e.get("sessionId") != self.session:
                    continue
                m, p = e.get("method"), e.get("params", {})
                if m == "Network.requestWillBeSent":
                    pending.add(p.get("requestId"))
                elif m in ("Network.loadingFinished", "Network.loadingFailed"):
                    pending.discard(p.get("requestId"))
            if len(self.cdp.events) == before and not pending:
                return

    def navigate(self, url):
        self.mark = len(self.cdp.events)
        self.send("Page.navigate", {"url": url})
        self.cdp.wait_for("Page.loadEventFired", since=self.mark)
        self.settle()

    def wait_for_location(self, url, timeout=10):
        """After an action that navigates: waits until the page is at `url` (a new document, or the same one
        scrolled to a fragment, which fires no load event), then for the network to settle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.cdp.pump(0.1)
            try:
                if self.evaluate("location.href") == url and self.evaluate("document.readyState") == "complete":
                    break
            except RuntimeError:
                pass  # the old document is going away
        self.settle()

    def problems(self):
        """Console errors, exceptions, failed or external requests and HTTP errors since the last mark."""
        found = []
        for e in self.cdp.events[self.mark:]:
            if e.get("sessionId") != self.session:
                continue
            m, p = e.get("method"), e.get("params", {})
            if m == "Page.javascriptDialogOpening":
                found.append(f"a script opened a {p.get('type')} dialog: {p.get('message')}")
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                found.append("uncaught exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                found.append(f"console.{p.get('type')}: {args}")
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                entry = p["entry"]
                found.append(f"console error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not (url.startswith(self.origin + "/") or url.startswith(("data:", "about:", "blob:"))):
                    found.append("request outside the site: " + url)
            elif m == "Network.loadingFailed" and not p.get("canceled"):
                found.append(f"failed request {p.get('requestId')}: {p.get('errorText')} {p.get('blockedReason', '')}".strip())
            elif m == "Network.responseReceived":
                status = p.get("response", {}).get("status", 0)
                if status >= 400:
                    found.append(f"HTTP {status}: {p['response'].get('url')}")
        return found

    def click(self, selector):
        """A real mouse click in the middle of the element (scrolled into view first)."""
        box = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()" % json.dumps(selector))
        if not box:
            raise RuntimeError("no element " + selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def key(self, key, code=None, keycode=0):
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code or key,
                                                 "windowsVirtualKeyCode": keycode, "nativeVirtualKeyCode": keycode})

    def media(self, scheme):
        self.send("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def screenshot(self, path):
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics.get("contentSize")
        height = min(int(size["height"]) + 1, 8000)
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


# --- The site server --------------------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_chromium(binary, profile):
    args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
            f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--disable-component-update",
            "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--window-size=1280,900", "about:blank"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("chromium exited: " + process.stderr.read().decode(errors="replace")[-2000:])
        if os.path.exists(port_file):
            lines = open(port_file).read().split("\n")
            if len(lines) >= 2 and lines[0].strip():
                return process, f"ws://127.0.0.1:{lines[0].strip()}{lines[1].strip()}"
        time.sleep(0.05)
    raise RuntimeError("chromium did not open its debugging port in 30 s")


# --- The checks -------------------------------------------------------------------------------------

class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            print(f"ok - {name}")
        else:
            self.failed += 1
            print(f"not ok - {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok


# Checks of one loaded page, in the page: tables, API copies, check-line contrast and gutter, verdict order.
PAGE_CHECKS = r"""(() => {
  const pipes = [...document.querySelectorAll('main p')].filter(p => p.textContent.trim().startsWith('|')).length;
  const emptyBlocks = [];
  let apiCopies = 0;
  for (const fig of document.querySelectorAll('figure.snippet')) {
    if (!fig.querySelector('button.copy-api')) continue;
    apiCopies++;
    const lines = rewindSite.visibleCode(fig, true).split('\n').map(l => l.trim()).filter(l => l);
    lines.forEach((l, i) => {
      if (l.endsWith('{') && i + 1 < lines.length && lines[i + 1].startsWith('}')) emptyBlocks.push(fig.dataset.snippet + ': ' + l);
      if (l.startsWith('//') && (i + 1 === lines.length || lines[i + 1].startsWith('}'))) emptyBlocks.push(fig.dataset.snippet + ': orphan ' + l);
    });
  }
  const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3]));
  const lum = c => { const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let contrast = null, gutterless = 0;
  for (const line of document.querySelectorAll('figure.snippet .line.check:not(.hidden)')) {
    const pre = line.closest('pre');
    const base = over(rgb(getComputedStyle(pre).backgroundColor), [255, 255, 255]);
    const bg = over(rgb(getComputedStyle(line).backgroundColor), base);
    if (getComputedStyle(line).opacity !== '1') gutterless++;
    const st = getComputedStyle(line);
    if (st.borderLeftStyle === 'none' || rgb(st.borderLeftColor)[3] === 0 || parseFloat(st.borderLeftWidth) < 2) gutterless++;
    const nodes = [line, ...line.querySelectorAll('span')];
    for (const n of nodes) {
      if (![...n.childNodes].some(c => c.nodeType === 3 && c.textContent.trim())) continue;
      const r = ratio(over(rgb(getComputedStyle(n).color), bg), bg);
      contrast = contrast === null ? r : Math.min(contrast, r);
    }
  }
  const unordered = [];
  // A label is a version (9.0 or 11.3/10.0), then, when two hosts share it, the run's date: versions compare
  // as numbers, dates as text (they are written year first).
  const key = label => label === 'test' ? [[-1], ''] : [label.split(' ')[0].split(/[./]/).map(x => parseInt(x, 10)).filter(x => !isNaN(x)),
                                                        label.split(' ').slice(1).join(' ')];
  const before = (a, b) => { for (let i = 0; i < Math.max(a[0].length, b[0].length); i++) { const x = a[0][i] ?? 0, y = b[0][i] ?? 0; if (x !== y) return x < y; } return a[1] <= b[1]; };
  for (const ul of document.querySelectorAll('ul.verdict-line')) {
    const labels = [...ul.querySelectorAll('.chip')].map(c => c.firstChild.textContent.trim());
    for (let i = 1; i < labels.length; i++) if (!before(key(labels[i - 1]), key(labels[i]))) { unordered.push(labels.join(' ')); break; }
  }
  return {pipes, emptyBlocks, apiCopies, contrast: contrast === null ? null : Math.round(contrast * 100) / 100, gutterless, unordered};
})()"""


def site_pages(site):
    pages = []
    for directory, dirs, files in os.walk(site):
        rel = os.path.relpath(directory, site)
        if rel == "api" or rel.startswith("api" + os.sep):
            dirs[:] = []
            continue
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".html"):
                pages.append(os.path.normpath(os.path.join(rel, name)).replace(os.sep, "/"))
    return sorted(pages, key=lambda p: (p != "index.html", p))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", required=True, help="the built site folder")
    parser.add_argument("--screenshots", required=True, help="where to save the screenshots")
    parser.add_argument("--search", required=True, help="a term the search must find")
    parser.add_argument("--expect", required=True, help="a site path that must be among the term's results")
    parser.add_argument("--require-api-copy", action="store_true",
                        help="fail when no page has a snippet with verification lines (otherwise that check is skipped)")
    parser.add_argument("--require-hidden", action="store_true",
                        help="fail when no page has a snippet with hidden lines (otherwise that check is skipped)")
    parser.add_argument("--extra", action="append", default=[],
                        help="another site path to load and check for errors (e.g. DocC's api/Libvirt/documentation/libvirt/index.html)")
    parser.add_argument("--table-cell", action="append", default=[],
                        help="PAGE=TEXT: a <td> or <th> of a table on that page holds the text")
    parser.add_argument("--rank", action="append", default=[],
                        help="QUERY=PATH: the search's first result for the query is on that page")
    parser.add_argument("--outcome-differs", action="append", default=[],
                        help="ID=V1,V2: the snippet's verdict line shows different outcomes for those two host labels")
    parser.add_argument("--copy-equals", action="append", default=[],
                        help="ID=FILE: the Copy button of that snippet copies exactly the file's text (a recipe's exported main.swift)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    args = parser.parse_args()

    site = os.path.abspath(args.site)
    os.makedirs(args.screenshots, exist_ok=True)
    pages = site_pages(site)
    results = Results()
    if not pages:
        print("not ok - the site has no page")
        return 1

    server = serve(site)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    profile = tempfile.mkdtemp(prefix="rewind-chromium-")
    process = None
    ws = None
    try:
        process, browser_url = start_chromium(args.chromium, profile)
        ws = WebSocket(browser_url)
        cdp = CDP(ws)
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(cdp, session, origin)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(domain + ".enable")
        page.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        cdp.send("Browser.grantPermissions", {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})

        # Every page, light and dark.
        api_copies = 0
        hidden_page = None
        check_page = None
        for path in pages:
            name = path.replace("/", "_")[:-5]
            page.media("light")
            page.navigate(f"{origin}/{path}")
            light = page.evaluate("getComputedStyle(document.body).backgroundColor")
            page.screenshot(os.path.join(args.screenshots, f"{name}-light.png"))
            page.media("dark")
            page.cdp.pump(0.1)
            dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
            page.screenshot(os.path.join(args.screenshots, f"{name}-dark.png"))
            problems = page.problems()
            results.check(not problems, f"{path} loads without console errors or failed requests", "; ".join(problems))
            results.check(light != dark, f"{path} has a dark mode", f"background {light} in both")
            title = page.evaluate("document.title")
            results.check(bool(title), f"{path} has a title")
            page.media("light")
            page.cdp.pump(0.05)
            dom = page.evaluate(PAGE_CHECKS)
            results.check(dom["pipes"] == 0, f"{path}: every table renders as a table", f"{dom['pipes']} paragraphs start with '|'")
            results.check(not dom["emptyBlocks"], f"{path}: no 'Copy API code' text holds an empty block ({dom['apiCopies']} checked)",
                          "; ".join(dom["emptyBlocks"][:5]))
            results.check(dom["contrast"] is None or dom["contrast"] >= 4.5, f"{path}: verification lines keep 4.5:1 contrast (light)",
                          str(dom["contrast"]))
            results.check(dom["gutterless"] == 0, f"{path}: verification lines are marked by a gutter", f"{dom['gutterless']} without")
            results.check(not dom["unordered"], f"{path}: verdict lines list hosts in version order", "; ".join(dom["unordered"][:3]))
            api_copies += dom["apiCopies"]
            page.media("dark")
            page.cdp.pump(0.05)
            dark_contrast = page.evaluate(PAGE_CHECKS)["contrast"]
            results.check(dark_contrast is None or dark_contrast >= 4.5, f"{path}: verification lines keep 4.5:1 contrast (dark)",
                          str(dark_contrast))
            page.media("light")
            if hidden_page is None and page.evaluate("!!document.querySelector('figure.snippet .line.hidden')"):
                hidden_page = path
            if check_page is None and page.evaluate("!!document.querySelector('figure.snippet button.copy-api')"):
                check_page = path
        page.media("light")

        # Extra pages (the DocC reference): they must load without errors or outside requests too.
        for path in args.extra:
            page.navigate(f"{origin}/{path}")
            page.settle(quiet=0.8)
            page.screenshot(os.path.join(args.screenshots, path.replace("/", "_").rsplit(".", 1)[0] + ".png"))
            problems = page.problems()
            results.check(not problems, f"{path} loads without console errors or failed requests", "; ".join(problems))
            text = page.evaluate("document.body.innerText.length")
            results.check(text > 100, f"{path} shows its content", f"{text} characters")

        # The theme toggle, stored across a reload.
        page.navigate(f"{origin}/{pages[0]}")
        before = page.evaluate("rewindSite.theme()")
        page.click("#theme-toggle")
        after = page.evaluate("rewindSite.theme()")
        stored = page.evaluate("localStorage.getItem('rewind-theme')")
        results.check(before == "light" and after == "dark" and stored == "dark", "the theme toggle switches to dark and stores it",
                      f"before {before}, after {after}, stored {stored}")
        page.navigate(f"{origin}/{pages[0]}")
        kept = page.evaluate("[document.documentElement.getAttribute('data-theme'), getComputedStyle(document.body).backgroundColor]")
        results.check(kept[0] == "dark" and kept[1] != "rgb(255, 255, 255)", "the chosen theme survives a reload", str(kept))
        page.evaluate("localStorage.removeItem('rewind-theme')")

        # Hidden lines: hidden, left out of the copy, revealed by the toggle; copy puts the visible lines on the clipboard.
        if hidden_page is None and not args.require_hidden:
            print("ok - # SKIP no page has a snippet with hidden lines")
        elif results.check(hidden_page is not None, "some page has a snippet with hidden lines"):
            page.navigate(f"{origin}/{hidden_page}")
            page.evaluate("window.__fig = document.querySelector('figure.snippet .line.hidden').closest('figure');"
                          "window.__fig.id")
            figure_id = page.evaluate("window.__fig.id")
            sel = f"#{figure_id}"
            state = page.evaluate(
                "(() => { const lines = [...__fig.querySelectorAll('pre code .line')];"
                " return {lines: lines.map(l => [l.classList.contains('hidden'), l.textContent]),"
                " display: lines.filter(l => l.classList.contains('hidden')).map(l => getComputedStyle(l).display),"
                " visible: rewindSite.visibleCode(__fig)}; })()")
            expected = "".join(text for hidden, text in state["lines"] if not hidden)
            hidden_count = sum(1 for hidden, _ in state["lines"] if hidden)
            results.check(hidden_count > 0 and all(d == "none" for d in state["display"]), "hidden snippet lines are hidden",
                          str(state["display"]))
            results.check(state["visible"] == expected, "the copy text is exactly the lines that are not hidden",
                          repr(state["visible"])[:200])
            page.click(f"{sel} button.toggle-hidden")
            shown = page.evaluate("[[...__fig.querySelectorAll('.line.hidden')].map(l => getComputedStyle(l).display),"
                                  " __fig.querySelector('button.toggle-hidden').getAttribute('aria-pressed')]")
            results.check(all(d != "none" for d in shown[0]) and shown[1] == "true", "the toggle reveals the hidden lines", str(shown))
            page.click(f"{sel} button.toggle-hidden")
            again = page.evaluate("[...__fig.querySelectorAll('.line.hidden')].map(l => getComputedStyle(l).display)")
            results.check(all(d == "none" for d in again), "the toggle hides them again", str(again))
            page.click(f"{sel} button.copy")
            page.cdp.pump(0.3)
            clipboard = page.evaluate("navigator.clipboard.readText()", await_promise=True)
            results.check(clipboard == expected, "the copy button copies exactly the visible lines", repr(clipboard)[:200])
            problems = page.problems()
            results.check(not problems, "the snippet tools cause no errors", "; ".join(problems))

        # The lab's verification lines: marked, and "Copy API code" copies the visible lines without them.
        if check_page is None and not args.require_api_copy:
            print("ok - # SKIP no page has a snippet with verification lines")
        elif results.check(check_page is not None, "some page has a snippet with verification lines and a Copy API code button"):
            page.navigate(f"{origin}/{check_page}")
            page.evaluate("window.__api = document.querySelector('figure.snippet button.copy-api').closest('figure');"
                          " window.__api.id = window.__api.id || 'rewind-api-test';")
            state = page.evaluate(
                "(() => { const lines = [...__api.querySelectorAll('pre code .line')];"
                " return {lines: lines.map(l => [l.classList.contains('hidden'), l.classList.contains('check') || l.classList.contains('fixture'), l.textContent]),"
                " opacity: lines.filter(l => l.classList.contains('check') && !l.classList.contains('hidden')).map(l => getComputedStyle(l).opacity)}; })()")
            expected = page.evaluate("__api.dataset.api")
            results.check(bool(state["opacity"]) and all(float(o) == 1 for o in state["opacity"]),
                          "verification lines are set apart by a gutter, not by opacity", str(state["opacity"][:5]))
            results.check(any(not check for hidden, check, _ in state["lines"] if not hidden), "the snippet keeps API lines", "")
            page.click(f"#{page.evaluate('__api.id')} button.copy-api")
            page.cdp.pump(0.3)
            clipboard = page.evaluate("navigator.clipboard.readText()", await_promise=True)
            results.check(clipboard == expected, "Copy API code copies exactly GuideModel's API code (data-api)", repr(clipboard)[:200])
            results.check("lab.expect" not in clipboard, "the API copy holds no lab.expect", repr(clipboard)[:200])
            kept = [text for hidden, check, text in state["lines"] if not hidden and not check]
            results.check(all(line.strip() in clipboard for line in kept if "lab." not in line and line.strip()),
                          "every visible API line that names no lab stand-in is in the copy", repr(clipboard)[:200])
            folded = page.evaluate("[...__api.querySelectorAll('pre code .line.fixture:not(.hidden)')].map(l => l.textContent.trim())")
            results.check(all(line not in clipboard for line in folded if line and not line.startswith("}")),
                          f"the lab's set-up lines ({len(folded)}) are left out of the copy", repr(folded)[:200])

        # Search: a known term, then Enter opens the first result.
        page.navigate(f"{origin}/index.html")
        page.click("#search")
        page.send("Input.insertText", {"text": args.search})
        hrefs = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not hrefs:
            page.cdp.pump(0.1)
            hrefs = page.evaluate("[...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href'))") or []
        visible = page.evaluate("!document.getElementById('search-results').hidden")
        results.check(visible and any(args.expect in h for h in hrefs), f"the search finds '{args.search}' in {args.expect}", str(hrefs))
        if hrefs:
            first = page.evaluate("document.querySelector('#search-results a').href")
            page.mark = len(page.cdp.events)
            page.key("Enter", "Enter", 13)
            page.wait_for_location(first)
            location = page.evaluate("location.href")
            results.check(location == first, "Enter opens the first search result", f"{location} != {first}")
            problems = page.problems()
            results.check(not problems, "the search result page loads without errors", "; ".join(problems))

        # The right arrow key goes to the next page.
        guide_pages = [p for p in pages if p.startswith("guides/")]
        start = guide_pages[0] if guide_pages else pages[0]
        page.navigate(f"{origin}/{start}")
        next_href = page.evaluate("(document.querySelector('link[rel=next]') || {}).href")
        if results.check(bool(next_href), f"{start} has a next page"):
            page.mark = len(page.cdp.events)
            page.key("ArrowRight", "ArrowRight", 39)
            page.wait_for_location(next_href)
            results.check(page.evaluate("location.href") == next_href, "the right arrow key opens the next page")

        # The home page's three ways in.
        page.navigate(f"{origin}/index.html")
        ways = page.evaluate("['way-learn', 'way-do', 'way-check'].filter(id => document.getElementById(id))")
        results.check(len(ways) >= 2 and "way-check" in ways, "the home page offers its ways in (learn, do, check a version)", str(ways))

        # Optional checks of a given site: a table cell, a search's ranking, outcomes that differ by version.
        for spec in args.table_cell:
            where, text = spec.split("=", 1)
            page.navigate(f"{origin}/{where}")
            found = page.evaluate(f"[...document.querySelectorAll('main table td, main table th')].some(c => c.textContent.includes({json.dumps(text)}))")
            results.check(found, f"{where}: a table cell reads '{text}'")
        for spec in args.rank:
            query, expected = spec.split("=", 1)
            page.navigate(f"{origin}/index.html")
            first = page.evaluate(f"rewindSite.search({json.dumps(query)}).then(r => r.length ? r[0].url : '')", await_promise=True)
            results.check(expected in (first or ""), f"the search ranks {expected} first for '{query}'", str(first))
        for spec in args.copy_equals:
            snippet, path = spec.split("=", 1)
            expected = open(path, encoding="utf-8").read()
            copied = None
            for page_path in pages:
                if not page_path.startswith("guides/"):
                    continue
                page.navigate(f"{origin}/{page_path}")
                if page.evaluate(f"!!document.querySelector('figure[data-snippet={json.dumps(snippet)}] button.copy')"):
                    page.click(f"figure[data-snippet={json.dumps(snippet)}] button.copy")
                    page.cdp.pump(0.3)
                    copied = page.evaluate("navigator.clipboard.readText()", await_promise=True)
                    break
            results.check(copied == expected, f"{snippet}: the Copy button copies exactly {os.path.basename(path)}",
                          "not found" if copied is None else f"{len(copied or '')} vs {len(expected)} characters")
        # Scripts (sh script=NAME): Copy copies the script exactly; a recipe's sent XML is shown, folded.
        if "guides/recipes.html" in pages:
            page.navigate(f"{origin}/guides/recipes.html")
            script = page.evaluate("(() => { const f = document.querySelector('figure.script'); if (!f) return null;"
                                   " f.id = f.id || 'rewind-script-test'; return {id: f.id, text: [...f.querySelectorAll('pre code .line')].map(l => l.textContent).join('')}; })()")
            if results.check(script is not None, "the recipes page shows a script (sh script=NAME)"):
                page.click(f"#{script['id']} button.copy")
                page.cdp.pump(0.3)
                copied = page.evaluate("navigator.clipboard.readText()", await_promise=True)
                results.check(copied == script["text"] and "virsh" in copied, "a script's Copy button copies the script exactly", repr(copied)[:120])
            sent = page.evaluate("(() => { const d = document.querySelector('details.sent-xml'); if (!d) return null;"
                                 " d.open = true; const pre = d.querySelector('pre'); return {text: pre.textContent, height: pre.getBoundingClientRect().height}; })()")
            if sent is not None:
                results.check(sent["text"].startswith("<domain") and sent["height"] > 0,
                              "a recipe's sent XML opens and shows a document libvirt received", sent["text"][:80])
        # The compatibility page: filter by text and verdict, sort by a build, a cell opens the claim's evidence.
        if "compat.html" in pages:
            page.navigate(f"{origin}/compat.html")
            state = page.evaluate("""(() => { const rows = [...document.querySelectorAll('table.compat tbody tr')];
                if (!rows.length) return null;
                const visible = () => rows.filter(r => !r.hidden);
                const box = document.getElementById('compat-filter'), pick = document.getElementById('compat-verdict');
                box.value = 'revert'; box.dispatchEvent(new Event('input'));
                const filtered = visible().map(r => r.dataset.claim);
                box.value = ''; box.dispatchEvent(new Event('input'));
                pick.value = 'finding'; pick.dispatchEvent(new Event('change'));
                const findings = visible().map(r => r.dataset.verdicts);
                pick.value = ''; pick.dispatchEvent(new Event('change'));
                const first = () => document.querySelector('table.compat tbody tr').dataset.claim;
                const before = first();
                const button = document.querySelector('table.compat thead button[data-sort="1"]');
                button.click(); button.click();
                const cell = document.querySelector('table.compat tbody td a.chip');
                return {total: rows.length, filtered, findings, before, after: first(), sort: button.getAttribute('aria-sort'),
                        href: cell ? cell.getAttribute('href') : null, count: document.getElementById('compat-count').textContent}; })()""")
            if state is None:
                # A site built without results of a QEMU host: the page must say so, not show an empty table.
                results.check(page.evaluate("document.querySelector('main').textContent.includes('No results of a QEMU host')"),
                              "the compatibility page without QEMU results says there is nothing to show")
            elif results.check(True, "the compatibility page has a table of claims"):
                results.check(state["filtered"] and all("revert" in c for c in state["filtered"]) and len(state["filtered"]) < state["total"],
                              "its text filter keeps only the matching claims", str(state["filtered"])[:120])
                results.check(all("finding" in v.split() for v in state["findings"]), "its verdict filter keeps claims with a finding",
                              str(state["findings"])[:120])
                results.check(state["sort"] == "descending" and state["count"].endswith(f"{state['total']} claims"),
                              "a build's header sorts the rows (twice: descending)", f"{state['sort']} {state['count']}")
                href = state["href"] or ""
                if results.check(href.startswith("conformance.html#"), "a cell links to the claim's evidence on the conformance page", href):
                    page.navigate(f"{origin}/{href}")
                    results.check(page.evaluate(f"!!document.getElementById({json.dumps(href.split('#', 1)[1])})"),
                                  "the evidence the cell links to exists", href)
        for spec in args.outcome_differs:
            snippet, versions = spec.split("=", 1)
            a, b = versions.split(",")
            located = None
            for path in pages:
                if not path.startswith("guides/"):
                    continue
                page.navigate(f"{origin}/{path}")
                located = page.evaluate(f"""(() => {{ const f = document.querySelector('figure[data-snippet={json.dumps(snippet)}]');
                    if (!f) return null; const out = {{}};
                    for (const li of f.querySelectorAll('ul.verdict-line li')) {{
                      const chip = li.querySelector('.chip'); const label = chip.firstChild.textContent.trim();
                      const o = li.querySelector('.outcome'); out[label] = [chip.className, o ? o.textContent : ''] }}
                    return out }})()""")
                if located is not None:
                    break
            ok = bool(located) and a in located and b in located and located[a][1] != located[b][1] and located[a][1] and located[b][1]
            results.check(ok, f"{snippet} shows different outcomes on {a} and {b}", str(located))

        # An arrow key inside a code block scrolls it; it does not open the next page.
        page.navigate(f"{origin}/{start}")
        # (A snippet's code: a prelude's code sits in a closed <details>, laid out but not shown.)
        if page.evaluate("!!document.querySelector('figure.snippet pre')"):
            before = page.evaluate("location.href")
            page.click("figure.snippet pre")
            page.mark = len(page.cdp.events)
            page.key("ArrowRight", "ArrowRight", 39)
            page.cdp.pump(0.5)
            results.check(page.evaluate("location.href") == before, "an arrow key inside a code block stays on the page")

        # Phones: 390 px, no page scrolls sideways, the sidebar starts closed and the menu button opens it.
        page.send("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        for path in pages:
            page.navigate(f"{origin}/{path}")
            state = page.evaluate("[document.documentElement.scrollWidth, getComputedStyle(document.querySelector('.sidebar')).display]")
            results.check(state[0] <= 390, f"{path} at 390 px does not scroll sideways", f"scrollWidth {state[0]}")
            results.check(state[1] == "none", f"{path} at 390 px starts with the sidebar closed", state[1])
            page.screenshot(os.path.join(args.screenshots, path.replace("/", "_")[:-5] + "-390.png"))
        page.navigate(f"{origin}/{pages[0]}")
        page.click("#menu-toggle")
        opened = page.evaluate("[getComputedStyle(document.querySelector('.sidebar')).display, document.getElementById('menu-toggle').getAttribute('aria-expanded')]")
        results.check(opened[0] != "none" and opened[1] == "true", "the menu button opens the sidebar", str(opened))
        page.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

        # Without JavaScript.
        page.send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.navigate(f"{origin}/{hidden_page or start}")
        nojs = page.evaluate(
            "({js: document.documentElement.classList.contains('js'),"
            " text: document.querySelector('main').innerText.length,"
            " jsOnly: [...document.querySelectorAll('.js-only')].map(e => getComputedStyle(e).display),"
            " hidden: [...document.querySelectorAll('.line.hidden')].map(e => getComputedStyle(e).display)})")
        page.screenshot(os.path.join(args.screenshots, f"{(hidden_page or start).replace('/', '_')[:-5]}-nojs.png"))
        results.check(not nojs["js"] and nojs["text"] > 100, "without JavaScript the page shows its content", str(nojs)[:200])
        results.check(all(d == "none" for d in nojs["jsOnly"]), "without JavaScript the script-only controls are hidden", str(nojs["jsOnly"]))
        results.check(all(d == "none" for d in nojs["hidden"]), "without JavaScript hidden lines stay hidden", str(nojs["hidden"]))
        problems = page.problems()
        results.check(not problems, "without JavaScript the page loads without errors", "; ".join(problems))
        page.send("Emulation.setScriptExecutionDisabled", {"value": False})
    except Exception as error:  # the browser could not be driven: report it as a failure
        results.check(False, "drive headless Chromium", f"{type(error).__name__}: {error}")
        print(f"{results.passed} passed, {results.failed} failed")
        return 2
    finally:
        if ws:
            ws.close()
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)

    print(f"screenshots: {os.path.abspath(args.screenshots)}")
    print(f"{results.passed} passed, {results.failed} failed")
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
