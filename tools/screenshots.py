"""Make the README screenshots from a running demo server (make run), with Debian's headless Chromium.

    .venv/bin/python tools/screenshots.py http://127.0.0.1:8000
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "demo-wachtwoord-123"


def login(page, base, username):
    page.goto(f"{base}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")


def main(base):
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="nl-NL")
        login(page, base, "klantmanager")
        page.screenshot(path=OUT / "worklist.png")
        page.get_by_role("link", name="Mijn caseload").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "caseload.png")
        page.locator("table tbody tr a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "dossier.png", full_page=True)
        page.get_by_role("link", name="Nieuwe inschatting").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "assessment.png")
        page.go_back()
        page.wait_for_load_state("networkidle")
        public_id = page.url.rstrip("/").split("/")[-1]
        page.goto(f"{base}/doorverwijzingen/{public_id}/suggesties/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "suggestions.png", full_page=True)
        page.goto(f"{base}/clienten/{public_id}/")
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name="Begeleiding", exact=True).click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "guidance.png", full_page=True)
        page.get_by_role("link", name="Uitnodigen").click()
        page.wait_for_load_state("networkidle")
        page.locator("table tbody tr a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "campaign.png")
        page.goto(f"{base}/aanbod/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "catalogue.png")
        page.get_by_role("button", name="Uitloggen").click()
        login(page, base, "partner")
        page.screenshot(path=OUT / "portal.png")
        page.get_by_role("button", name="Uitloggen").click()
        login(page, base, "teamleider")
        page.screenshot(path=OUT / "team.png")
        page.get_by_role("link", name="Vervolgcontact").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "followup.png")
        page.get_by_role("button", name="Uitloggen").click()
        login(page, base, "inwoner")
        page.goto(f"{base}/mijn/uitkering/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "mijn.png", full_page=True)
        page.get_by_role("button", name="Uitloggen").click()
        login(page, base, "onderzoeker")
        page.screenshot(path=OUT / "monitoring.png")
        page.goto(f"{base}/experimenten/")
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name="Vitamine A", exact=False).first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "experiment.png", full_page=True)
        page.goto(f"{base}/simulatie/")
        page.wait_for_load_state("networkidle")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        page.get_by_role("heading", name="Uitkomsten").scroll_into_view_if_needed()
        page.set_viewport_size({"width": 1366, "height": 1300})
        page.screenshot(path=OUT / "simulation.png")
        browser.close()
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
