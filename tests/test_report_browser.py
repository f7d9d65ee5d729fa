"""The report of the tiny end-to-end run, opened in a real browser (headless Chromium).

Playwright for Python drives the system's Chromium (Debian's ``chromium``; Playwright never
downloads a browser here). Checks: no console errors, no network request but the file itself,
every figure decoded with a non-zero natural size, every claims-table and contents link lands on
an existing section, a figure opens full size; the same for a report of a partial results folder.
Screenshots are test artifacts: in the test's tmp dir and copied to ``artifacts/report-browser/``
(git-ignored) at the repository root.

Without Playwright or Chromium the tests skip with the reason, except under ``CI=true``, where
they fail. The tiny workflow runs once per session (the ``finished`` fixture of conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from conftest import REPO

from consolidation.studies.grid import load_studies

CHROMIUM = (
    os.environ.get("CONSOLIDATION_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)
# Playwright adds --headless itself; as root Chromium needs --no-sandbox; the rest keep it from
# reaching for the (closed) network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
ARTIFACTS = REPO / "artifacts" / "report-browser"
VIEWPORT = {"width": 1280, "height": 800}


def _missing() -> str | None:
    """Why the browser test cannot run here (checked before the tiny workflow runs), or None."""
    if find_spec("playwright") is None:
        return "playwright is not installed (.venv/bin/pip install -r requirements.txt)"
    if not Path(CHROMIUM).is_file():
        return (
            f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; see "
            ".ci/debian-packages.txt; or set CONSOLIDATION_CHROMIUM)"
        )
    return None


MISSING = _missing()
ON_CI = os.environ.get("CI", "").lower() == "true"
# Skip the module (before the tiny run) where there is no browser; under CI=true fail instead.
pytestmark = [pytest.mark.slow] + (
    [pytest.mark.skip(reason=MISSING)] if MISSING and not ON_CI else []
)


def _unavailable(reason: str) -> None:
    if ON_CI:
        pytest.fail(f"{reason}; under CI=true the browser test must run (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium context with a fresh profile (user data dir) for this module."""
    if MISSING:
        _unavailable(MISSING)
    from playwright.sync_api import Error, sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        try:
            context = p.chromium.launch_persistent_context(
                str(profile),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport=VIEWPORT,
            )
        except Error as err:
            _unavailable(f"Chromium at {CHROMIUM} did not start: {str(err).splitlines()[0]}")
        yield context
        context.close()


class Opened:
    """A page with the report loaded and everything it said or asked for since."""

    def __init__(self, context, path: Path):
        self.url = path.resolve().as_uri()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url, wait_until="load")

    def check_quiet(self) -> None:
        """No console error or warning, no script error, no request but the file itself."""
        bad = [m for m in self.console if m.startswith(("error", "warning"))]
        assert not bad, f"console: {bad}"
        assert not self.errors, f"script errors: {self.errors}"
        # data: URIs are not network requests; anything else but the page is
        others = [u for u in self.requests if u != self.url and not u.startswith("data:")]
        assert not others, f"the page made requests: {others}"
        assert self.requests[:1] == [self.url]

    def images(self) -> list[dict]:
        """Every <img>: decoded (decode() resolved), natural size, alt text."""
        return self.page.evaluate(
            """() => Promise.all([...document.images].map(img => img.decode().then(
                () => ({ok: true}), e => ({ok: false, why: String(e)})).then(r => ({...r,
                w: img.naturalWidth, h: img.naturalHeight, alt: img.alt,
                src: img.src.slice(0, 22)}))))"""
        )

    def links(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "as => as.map(a => a.getAttribute('href'))")

    def lands_on_section(self, selector: str) -> list[str]:
        """Click every link of ``selector``; each must scroll a section with its id into view."""
        hrefs = self.links(selector)
        for i, href in enumerate(hrefs):
            assert href.startswith("#"), f"{selector} link {href!r} leaves the page"
            target = href[1:]
            tag = self.page.evaluate(
                "id => { const el = document.getElementById(id); "
                "return el ? el.tagName.toLowerCase() + (el.closest('section, header') ? "
                "' in ' + el.closest('section, header').id : '') : null; }",
                target,
            )
            assert tag is not None, f"{selector} link {href} has no target"
            assert tag.endswith(f"in {target}") or tag == "div", f"{href} -> {tag}"
            self.page.locator(selector).nth(i).click()
            assert self.page.evaluate("location.hash") == href
            top = self.page.evaluate(
                "id => document.getElementById(id).getBoundingClientRect().top", target
            )
            assert abs(top) < 5, f"after clicking {href} its section is at {top}px, not the top"
        return hrefs

    def screenshot(self, out: Path, name: str) -> list[Path]:
        """A viewport (above the fold) and a full-page screenshot, also copied to ARTIFACTS."""
        self.page.evaluate("window.scrollTo(0, 0)")
        shots = [out / f"{name}.png", out / f"{name}-full.png"]
        self.page.screenshot(path=shots[0])
        self.page.screenshot(path=shots[1], full_page=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, ARTIFACTS / shot.name)
        return shots


def _check_images(opened: Opened, n_figures: int) -> None:
    images = opened.images()
    assert len(images) == n_figures
    for img in images:
        assert img["ok"], f"image not decoded: {img}"
        assert img["w"] > 100 and img["h"] > 100, img
        assert img["src"].startswith("data:image/png;base64")
        assert len(img["alt"]) > 20, f"alt text too short: {img['alt']!r}"


@pytest.fixture(scope="module")
def report(finished):
    workdir, config, _ = finished
    path = workdir / "results" / "report.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTIFACTS / "report.html")
    return path, load_studies(config)


def test_report_loads_offline_with_no_console_errors_or_requests(browser, report):
    path, studies = report
    opened = Opened(browser, path)
    assert opened.page.title() == "Consolidation workflow report"
    csp = opened.page.eval_on_selector(
        'meta[http-equiv="Content-Security-Policy"]', "m => m.content"
    )
    assert "default-src 'none'" in csp
    # every element that could load something uses a data: URI or nothing
    sources = opened.page.eval_on_selector_all(
        "[src], link[href], object, embed, iframe", "els => els.map(e => e.src || e.href || '')"
    )
    assert all(s.startswith("data:") for s in sources), sources
    opened.check_quiet()


def test_every_figure_is_decoded_with_a_natural_size_and_alt_text(browser, report):
    path, studies = report
    opened = Opened(browser, path)
    # the studies' figures and, under the claims table, the claims seed by seed
    _check_images(opened, 1 + sum(len(s.figures) for s in studies.values()))
    captions = opened.page.eval_on_selector_all("figure figcaption", "cs => cs.length")
    assert captions == 1 + sum(len(s.figures) for s in studies.values())
    assert opened.page.locator('#claims figure[data-kind="claims"] img').count() == 1
    opened.check_quiet()


def test_every_claims_link_lands_on_its_study_section(browser, report):
    path, studies = report
    opened = Opened(browser, path)
    rows = opened.page.eval_on_selector_all("table.claims tbody tr", "rs => rs.length")
    assert rows == sum(len(s.claims) for s in studies.values())
    hrefs = opened.lands_on_section("table.claims a")
    assert set(hrefs) == {f"#study-{name}" for name in studies if studies[name].claims}
    verdicts = opened.page.eval_on_selector_all(
        "table.claims .verdict",
        "vs => vs.map(v => [v.textContent, getComputedStyle(v).backgroundColor])",
    )
    assert len(verdicts) == rows
    colours = {"reproduced", "contradicted", "inconclusive"}
    for text, colour in verdicts:
        assert text in colours, text
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), f"{text} is not coloured"
    opened.check_quiet()


def test_contents_links_every_section(browser, report):
    path, studies = report
    opened = Opened(browser, path)
    hrefs = opened.links("#toc a")
    assert {"#top", "#claims", "#studies", "#provenance"} <= set(hrefs)
    assert {f"#study-{name}" for name in studies} <= set(hrefs)
    sections = opened.page.eval_on_selector_all("main section[id]", "ss => ss.map(s => s.id)")
    assert {f"#{s}" for s in sections} <= set(hrefs)
    opened.lands_on_section("#toc a[href^='#study-'], #toc a[href='#provenance']")
    opened.check_quiet()


def test_clicking_a_figure_shows_it_full_size(browser, report):
    path, _ = report
    opened = Opened(browser, path)
    page = opened.page
    figure = page.locator("#studies figure img").first
    natural = figure.evaluate("img => img.naturalWidth")
    figure.click()
    box = page.locator("#lightbox")
    assert box.is_visible()
    big = box.locator("img")
    assert big.evaluate("img => img.naturalWidth") == natural
    assert big.evaluate("img => img.getBoundingClientRect().width") == pytest.approx(natural)
    page.keyboard.press("Escape")
    assert page.locator("#lightbox").count() == 0
    opened.check_quiet()


def test_screenshot_of_the_report(browser, report, tmp_path):
    path, _ = report
    opened = Opened(browser, path)
    above, full = opened.screenshot(tmp_path, "report")
    assert above.stat().st_size > 10_000 and full.stat().st_size > above.stat().st_size
    # above the fold: the run summary and the start of the claims table
    visible = opened.page.evaluate(
        "() => [...document.querySelectorAll('header, #claims h2, table.claims')]"
        ".map(e => e.getBoundingClientRect().top < window.innerHeight)"
    )
    assert all(visible), visible
    opened.check_quiet()


def test_a_partial_results_folder_gives_a_report_naming_what_is_missing(
    browser, finished, tmp_path
):
    workdir, config, _ = finished
    studies = load_studies(config)
    gone, kept = list(studies)[-1], list(studies)[0]
    results = tmp_path / "results"
    shutil.copytree(workdir / "results", results, ignore=shutil.ignore_patterns("cells"))
    shutil.rmtree(results / gone)  # its dataset, figures and claims
    (results / kept / "figures" / f"{studies[kept].figures[-1]}.png").unlink()
    out = tmp_path / "partial.html"
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("consolidation-report")),
            "results",
            "--configfile",
            str(workdir / "tiny.yaml"),
            "-o",
            out.name,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"2 of {len(studies)} studies incomplete" in proc.stdout
    opened = Opened(browser, out)
    banner = opened.page.inner_text("#missing")
    assert "Partial report" in banner and gone in banner and kept in banner
    assert f"no dataset (results/{gone}/{gone}.nc" in banner
    assert f"figures not drawn: {studies[kept].figures[-1]}" in banner
    missing_section = opened.page.inner_text(f"#study-{gone}")
    assert "Missing from this report" in missing_section
    assert studies[gone].description[:30] in missing_section  # the question is still there
    assert "not computed" in opened.page.inner_text("table.claims")
    drawn = sum(len(s.figures) for name, s in studies.items() if name != gone)
    _check_images(opened, drawn - 1 + 1)  # one figure not drawn; the claims figure
    opened.lands_on_section("table.claims a")
    opened.screenshot(tmp_path, "partial-report")
    opened.check_quiet()
