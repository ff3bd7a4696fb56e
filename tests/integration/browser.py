# -*- coding: utf-8 -*-
"""What a reader of an HTML page sees, as headless Chromium (Debian's ``chromium``, installed by ``make setup``) lays it out.

The page is copied with a measuring script appended (the report itself has none); Chromium runs it offline and prints the DOM,
in which the script left, as JSON: the page's rendered text, each ``section.machine``'s rendered text, and the elements that
overflow the viewport or their section (a broken layout: text cut off, a table wider than the page).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

MEASURE = """<script>
(function () {
  var width = document.documentElement.clientWidth, out = {width: width, page_width: document.documentElement.scrollWidth, overflows: []};
  out.text = document.body.innerText;
  out.title = document.title;
  out.sections = Array.prototype.map.call(document.querySelectorAll("section.machine"), function (section) {
    var box = section.getBoundingClientRect();
    Array.prototype.forEach.call(section.querySelectorAll("*"), function (el) {
      var r = el.getBoundingClientRect();
      var cut = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;  // its content is wider than its box
      if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1 || cut)) {
        out.overflows.push(section.id + " " + el.tagName + ": " + (el.innerText || "").slice(0, 60));
      }
    });
    return {id: section.id, text: section.innerText, width: box.width, height: box.height, visible: box.height > 0 && box.right <= width + 1};
  });
  var pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("headless Chromium is needed to render the evidence report: `make setup` installs the Debian package chromium")
    return found


def render(html_path, tmp_path, width=1280):
    """The page as Chromium lays it out at ``width`` CSS pixels: text, title, sections, overflows, page_width, width."""
    page = tmp_path / ("measured-%d.html" % width)
    page.write_text(html_path.read_text().replace("</body>", MEASURE + "</body>"))
    done = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                           "--user-data-dir=%s" % (tmp_path / "chromium-profile"), "--window-size=%d,900" % width,
                           "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert done.returncode == 0 and found, "chromium exited %s\n%s\n%s" % (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return json.loads(html.unescape(found.group(1)))


def check_layout(seen, machines):
    """Every machine has its section, with its outcome, laid out inside the page."""
    assert seen["page_width"] <= seen["width"] + 1, "the page is wider than the window: %s" % seen
    assert not seen["overflows"], seen["overflows"]
    by_id = {s["id"]: s for s in seen["sections"]}
    for machine, outcome in machines.items():
        section = by_id.get("machine-" + machine)
        assert section and section["visible"], "no visible section for %s: %s" % (machine, list(by_id))
        assert machine in section["text"] and outcome in section["text"].split(), section["text"]
