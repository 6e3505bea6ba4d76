"""The page at / in headless Chromium, against a real `stancewire serve` process: what a person sees."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from service.labels import load_schema
from tests.service.api.conftest import SEED_ARTICLE

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SCREENSHOT = Path("/tmp/stancewire-page.png")
LABELS = load_schema().labels


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def css(driver, element, prop: str) -> str:
    return driver.execute_script("return getComputedStyle(arguments[0]).getPropertyValue(arguments[1]);", element, prop)


def open_page(driver, url: str) -> None:
    driver.get(url + "/")
    # the claim is filled from GET /v1/model once the script has run
    WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "claim").get_attribute("value"))


def submit(driver, claim: str, text: str) -> None:
    # set like a paste: ChromeDriver's send_keys cannot type characters outside the BMP (emoji in articles)
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, "claim"), claim)
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, "text"), text)
    driver.find_element(By.ID, "analyze").click()


def test_the_page_colours_sentences_underlines_evidence_and_names_speakers(browser, live_server):
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    expected = httpx.post(f"{live_server.url}/v1/analyze", json={"text": text}, timeout=30).json()
    n = sum(s["attributed"] for s in expected["sentences"])
    assert n > 1

    open_page(browser, live_server.url)
    claim = browser.find_element(By.ID, "claim")
    assert claim.get_attribute("value") == load_schema().default_claim
    assert "onnx-int8" in browser.find_element(By.ID, "model").text

    browser.find_element(By.ID, "text").send_keys("Paste")  # the field takes typing
    submit(browser, claim.get_attribute("value"), text)
    status = browser.find_element(By.ID, "status")
    WebDriverWait(browser, 30).until(lambda d: re.fullmatch(r"\d+ attributed sentences?", status.text))
    assert status.text == f"{n} attributed sentences"
    assert "error" not in (status.get_attribute("class") or "")

    # sentences, each coloured by its stance
    sentences = browser.find_elements(By.CSS_SELECTOR, "#sentences .sentence")
    assert len(sentences) == n
    colours: dict[str, str] = {}
    for el, s in zip(sentences, [s for s in expected["sentences"] if s["attributed"]]):
        classes = set(el.get_attribute("class").split())
        assert len(classes & set(LABELS)) == 1 and s["label"] in classes
        colour = css(browser, el, "border-left-color")
        assert colours.setdefault(s["label"], colour) == colour, "one colour per label"
        assert el.find_element(By.CSS_SELECTOR, ".label").text.lower() == s["label"]
        shown = el.find_element(By.CSS_SELECTOR, ".text").text
        assert shown == s["text"].strip()
    if len(colours) > 1:
        assert len(set(colours.values())) == len(colours), f"labels share a colour: {colours}"
    # the legend shows all four colours, distinct, matching the sentences
    chips = {c.text: css(browser, c, "background-color") for c in browser.find_elements(By.CSS_SELECTOR, "#legend .chip")}
    assert set(chips) == set(LABELS) and len(set(chips.values())) == len(LABELS)
    for label, colour in colours.items():
        assert chips[label] == colour, f"{label} sentences are drawn in the legend's colour"

    # evidence underlined, with the words the API returned
    evidence = browser.find_elements(By.CSS_SELECTOR, "#sentences .evidence")
    want = [e["text"] for s in expected["sentences"] for e in s["evidence"]]
    assert want and len(evidence) == len(want)
    assert [e.text for e in evidence] == [w.strip() for w in want]
    for e in evidence:
        assert "underline" in css(browser, e, "text-decoration-line")

    # speaker names on the sentences and in the summary
    speaker_names = [el.text for el in browser.find_elements(By.CSS_SELECTOR, "#sentences .speaker")]
    assert speaker_names == [s["speaker"]["name"] if s["speaker"] else "unnamed source" for s in expected["sentences"] if s["attributed"]]
    summary = browser.find_element(By.ID, "speakers")
    assert summary.find_element(By.TAG_NAME, "h2").text == "Who says what"
    cards = summary.find_elements(By.CSS_SELECTOR, ".speaker-card")
    assert [c.find_element(By.TAG_NAME, "strong").text for c in cards] == [sp["name"] for sp in expected["speakers"]]
    for card, sp in zip(cards, expected["speakers"]):
        assert sp["label"] in card.text and sp["label"] in card.get_attribute("class").split()

    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

    # unattributed sentences on request
    browser.find_element(By.ID, "all").click()
    browser.find_element(By.ID, "analyze").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sentences .sentence.unattributed"))
    assert status.text == f"{n} attributed sentences"


def test_the_page_shows_readable_errors(browser, live_server):
    open_page(browser, live_server.url)
    claim = browser.find_element(By.ID, "claim")
    # an empty claim: the browser refuses to submit and says why
    submit(browser, "", "“We never sent anything,” the minister said.")
    assert browser.execute_script("return arguments[0].validity.valueMissing;", claim)
    assert browser.execute_script("return arguments[0].validationMessage;", claim)
    status = browser.find_element(By.ID, "status")
    assert status.text == "", "nothing was sent"
    # a blank claim gets past the browser; the API's message is shown
    submit(browser, "   ", "“We never sent anything,” the minister said.")
    WebDriverWait(browser, 30).until(lambda d: status.text.startswith("Error"))
    assert status.text == "Error: claim must not be empty"
    assert "error" in status.get_attribute("class").split()
    assert css(browser, status, "color") != css(browser, browser.find_element(By.TAG_NAME, "body"), "color"), "errors stand out"
    assert browser.find_element(By.ID, "analyze").is_enabled()
    browser.save_screenshot(str(SCREENSHOT.with_name("stancewire-page-error.png")))
    # an article over the limit: 413, explained
    submit(browser, "A claim.", "He said no. " * 9000)
    WebDriverWait(browser, 30).until(lambda d: status.text.startswith("Error") and "limit" in status.text)
    assert "100000" in status.text and "text" in status.text
