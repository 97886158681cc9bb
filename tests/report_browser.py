#!/usr/bin/env python3
"""Loads an HTML page in headless Chromium through the DevTools protocol
over a pipe (--remote-debugging-pipe: no network port, no WebSocket, only
the standard library) and prints what a reader would meet, one
key=value a line, for tests/test_report_browser.sh to check:

  loaded=1             the load event fired
  console=N            console messages of level error or warning,
                       exceptions and browser log errors (a blocked or
                       missing resource, a refused policy)
  dialogs=N            alert/confirm/prompt dialogs opened
  figures=N            <figure class="fig"> elements
  visible_figures=N    of them, those whose image loaded (naturalWidth
                       > 0) and is laid out at a non-zero size
  images=N             every <img> of the page
  injected=N           elements no report writes: <script>, <iframe>,
                       <object>, <embed>, inline <svg>, any element with
                       an on* attribute, <img> outside a figure
  text:K=0|1           whether the page's text holds the string K
  toc_links=N, toc_broken=N   links of the contents and those whose
                       target id is missing
  claims=N             claim rows (tr.v-VERDICT)
  console_line=...     each console message, for the log

usage: report_browser.py CHROMIUM PAGE [--text K=STRING ...] [--shots DIR]
With --shots, PNG screenshots of the top of the page and of each
section go to DIR (to look at)."""
import base64
import json
import os
import select
import subprocess
import sys
import tempfile
import time

DEADLINE = 90.0  # s for the whole session: a hung browser fails the test


class Browser:
    def __init__(self, exe, log=subprocess.DEVNULL):
        self.prof = tempfile.mkdtemp(prefix="ss_chromium.")
        to_r, to_w = os.pipe()   # we write commands, chromium reads fd 3
        from_r, from_w = os.pipe()  # chromium writes fd 4, we read

        def child():
            # Through fresh numbers first: either end may already be 3
            # or 4, and dup2 onto itself would keep close-on-exec.
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--remote-debugging-pipe", "--user-data-dir=" + self.prof,
             "--window-size=1400,1000", "about:blank"],
            close_fds=False, preexec_fn=child,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        os.close(to_r)
        os.close(from_w)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.dialogs = 0
        self.t0 = time.monotonic()

    def left(self):
        t = DEADLINE - (time.monotonic() - self.t0)
        if t <= 0:
            raise TimeoutError("the browser did not answer in %.0f s" % DEADLINE)
        return t

    def _read(self):
        while b"\0" not in self.buf:
            ready, _, _ = select.select([self.r], [], [], self.left())
            if not ready:
                raise TimeoutError("no message from the browser")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def _write(self, method, params=None, session=None):
        self.next_id += 1
        m = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self.w, json.dumps(m).encode() + b"\0")
        return self.next_id

    def _note(self, r):
        # A dialog blocks the page, and with it the answer to a pending
        # command (Page.navigate when a script alerts while the page
        # loads): accept it at once, without waiting for the reply.
        if r.get("method") == "Page.javascriptDialogOpening":
            self.dialogs += 1
            self._write("Page.handleJavaScriptDialog", {"accept": True}, r.get("sessionId"))
        self.events.append(r)

    def send(self, method, params=None, session=None):
        mid = self._write(method, params, session)
        while True:
            r = self._read()
            if r.get("id") == mid:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r.get("result", {})
            self._note(r)

    def wait_event(self, name, seconds):
        end = time.monotonic() + seconds
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == name:
                    return self.events.pop(i)
            if time.monotonic() > end:
                return None
            ready, _, _ = select.select([self.r], [], [], max(0.0, min(end - time.monotonic(), self.left())))
            if ready or b"\0" in self.buf:
                self._note(self._read())

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        subprocess.run(["rm", "-rf", self.prof])


PROBE = r"""(() => {
  const texts = %s;
  const figs = [...document.querySelectorAll('figure.fig')];
  const shown = figs.filter(f => {
    const img = f.querySelector('img');
    if (!img || !img.complete || img.naturalWidth === 0) return false;
    const r = img.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(img).visibility !== 'hidden';
  });
  const onattr = [...document.querySelectorAll('*')].filter(e =>
    [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')));
  const stray = document.querySelectorAll('script, iframe, object, embed, body svg, frame, frameset, base');
  const strayImg = [...document.images].filter(i => !i.closest('figure.fig'));
  const toc = [...document.querySelectorAll('nav#toc a')];
  const broken = toc.filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))));
  const body = document.body ? document.body.textContent : '';
  const out = {figures: figs.length, visible_figures: shown.length, images: document.images.length,
    injected: onattr.length + stray.length + strayImg.length,
    toc_links: toc.length, toc_broken: broken.length,
    claims: document.querySelectorAll('tr[class^="v-"]').length, text: {}};
  for (const k in texts) out.text[k] = body.includes(texts[k]) ? 1 : 0;
  return JSON.stringify(out);
})()"""

SECTIONS = ["s0-figures", "s0-claims", "s0-scenarios", "s0-bottlenecks", "s0-provenance", "calibration"]


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    exe, page = argv[1], os.path.abspath(argv[2])
    texts, shots = {}, None
    i = 3
    while i < len(argv):
        if argv[i] == "--text" and i + 1 < len(argv):
            k, _, v = argv[i + 1].partition("=")
            texts[k] = v
            i += 2
        elif argv[i] == "--shots" and i + 1 < len(argv):
            shots = argv[i + 1]
            i += 2
        else:
            print("report_browser.py: unknown argument %s" % argv[i], file=sys.stderr)
            return 2
    b = Browser(exe)
    try:
        targets = b.send("Target.getTargets")["targetInfos"]
        tid = next(t["targetId"] for t in targets if t["type"] == "page")
        sid = b.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        for dom in ("Page", "Runtime", "Log"):
            b.send(dom + ".enable", session=sid)
        b.send("Page.navigate", {"url": "file://" + page}, session=sid)
        loaded = b.wait_event("Page.loadEventFired", 30) is not None
        b.wait_event("never", 1.0)  # late console messages and dialogs
        console, dialogs = [], b.dialogs
        for e in b.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                console.append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                console.append(p["entry"].get("text", ""))
        r = b.send("Runtime.evaluate", {"expression": PROBE % json.dumps(texts), "returnByValue": True},
                   session=sid)
        res = json.loads(r["result"]["value"])
        print("loaded=%d" % loaded)
        print("console=%d" % len(console))
        print("dialogs=%d" % dialogs)
        for k in ("figures", "visible_figures", "images", "injected", "toc_links", "toc_broken", "claims"):
            print("%s=%d" % (k, res[k]))
        for k, v in res["text"].items():
            print("text:%s=%d" % (k, v))
        for c in console:
            print("console_line=" + c.replace("\n", " "))
        if shots:
            os.makedirs(shots, exist_ok=True)
            png = b.send("Page.captureScreenshot", {"format": "png"}, session=sid)["data"]
            with open(os.path.join(shots, "top.png"), "wb") as f:
                f.write(base64.b64decode(png))
            for s in SECTIONS:
                q = ("(() => {const e = document.getElementById('%s'); if (!e) return null;"
                     " const r = e.getBoundingClientRect(); return JSON.stringify([r.left + scrollX,"
                     " r.top + scrollY, r.width, Math.min(r.height, 2400)]);})()" % s)
                v = b.send("Runtime.evaluate", {"expression": q, "returnByValue": True}, session=sid)
                if not v["result"].get("value"):
                    continue
                x, y, w, h = json.loads(v["result"]["value"])
                png = b.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                        "clip": {"x": x, "y": y, "width": w, "height": h,
                                                                 "scale": 1}}, session=sid)["data"]
                with open(os.path.join(shots, s + ".png"), "wb") as f:
                    f.write(base64.b64decode(png))
        return 0
    except Exception as e:  # a browser that fails is a failed test, said so
        print("error=%s" % e)
        return 1
    finally:
        b.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
