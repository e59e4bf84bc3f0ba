"""Apply native filters through a dashboard's filter bar in headless Chromium and read the numbers shown.

    superset/.venv/bin/python superset/browser_filters.py --url http://127.0.0.1:8088 --user admin \
        --password admin --titles '{"overview": ["成交金额(万元)"]}' \
        --steps '[{"slug": "overview", "filter": null},
                  {"slug": "overview", "filter": ["分公司", "华北分公司"]}]'

Each step opens its dashboard unless the previous step was on it (so filters accumulate, e.g. 分公司 then
营业部: a drill-down), types the value into the named filter's select, picks the matching option, presses
「应用过滤器」 and waits for the charts to reload. Prints one JSON object per step: {"slug", "filter",
"selected" (the filter's shown value), "values" ({chart title: the big number's text}), "errors"}; exits 1
when a step has an error. Needs chromium and chromium-driver, like screenshot.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time

from screenshot import ERROR_JS, driver, login
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

# the big number of each chart whose title is asked for (null while it is loading or has none)
NUMBERS_JS = """
const wanted = arguments[0];
const out = {};
for (const holder of document.querySelectorAll('.dashboard-component-chart-holder')) {
  const title = holder.querySelector('.header-title, [data-test="editable-title"]');
  const name = title && title.innerText.trim();
  if (!wanted.includes(name)) continue;
  const number = holder.querySelector('.header-line');
  out[name] = holder.querySelector('.loading') || !number ? null : number.innerText.trim();
}
return out;
"""


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = predicate()
        except WebDriverException:
            found = None
        if found:
            return found
        time.sleep(0.3)
    raise TimeoutError(f"timeout after {timeout:.0f} s waiting for {what}")


def _filter_item(drv, name: str) -> WebElement:
    """The filter bar's form item of the filter named `name`."""
    return drv.find_element(
        By.XPATH,
        f'//h4[@data-test="filter-control-name" and normalize-space()="{name}"]'
        "/ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' ant-form-item ')][1]",
    )


def _selected(drv, name: str) -> str:
    items = _filter_item(drv, name).find_elements(By.CSS_SELECTOR, ".ant-select-selection-item")
    return ", ".join(i.get_attribute("title") or i.text for i in items)


def apply_select(drv, name: str, value: str, timeout: float) -> None:
    """Pick the option of filter `name` that contains `value` (typed in its search box), then apply."""
    item = _until(lambda: _filter_item(drv, name), timeout, f"filter {name}")
    _until(lambda: item.find_elements(By.CSS_SELECTOR, ".ant-select-selector"), timeout, f"{name}: values")
    item.find_element(By.CSS_SELECTOR, ".ant-select-selector").click()
    search = item.find_element(By.CSS_SELECTOR, "input[role='combobox']")
    search.send_keys(value)

    def option():
        for opt in drv.find_elements(
            By.CSS_SELECTOR, ".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option"
        ):
            if value in (opt.get_attribute("title") or opt.text):
                return opt
        return None

    _until(option, timeout, f"{name}: option {value}").click()
    search.send_keys(Keys.ESCAPE)
    apply = drv.find_element(By.CSS_SELECTOR, '[data-test="filter-bar__apply-button"]')
    _until(apply.is_enabled, timeout, "the apply button")
    apply.click()


def read_numbers(drv, titles: list[str], timeout: float) -> dict[str, str]:
    """The big numbers of `titles` once every chart has loaded and they hold still for a second."""
    previous: dict | None = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = drv.execute_script(ERROR_JS)
        numbers = drv.execute_script(NUMBERS_JS, titles)
        ready = state["containers"] > 0 and state["loading"] == 0 and len(numbers) == len(titles)
        if ready and all(numbers.values()):
            if numbers == previous:
                return numbers
            previous = numbers
        time.sleep(1.0)
    raise TimeoutError(f"timeout after {timeout:.0f} s waiting for {titles}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--titles", type=json.loads, required=True, help='{"slug": [chart title, ...]}')
    parser.add_argument("--steps", type=json.loads, required=True, help='[{"slug", "filter": [name, value]}]')
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()

    profile = tempfile.mkdtemp(prefix="bi-chromium-")
    drv = driver(profile, 1500, 2000)
    ok = True
    try:
        drv.set_page_load_timeout(args.timeout)
        login(drv, args.url, args.user, args.password, args.timeout)
        current = None
        for step in args.steps:
            slug = step["slug"]
            result = {"slug": slug, "filter": step["filter"], "selected": None, "values": {}, "errors": []}
            try:
                if slug != current:
                    drv.get(f"{args.url}/superset/dashboard/{slug}/")
                    current = slug
                    read_numbers(drv, args.titles[slug], args.timeout)
                if step["filter"]:
                    name, value = step["filter"]
                    apply_select(drv, name, value, args.timeout)
                    time.sleep(1.0)
                    result["selected"] = _selected(drv, name)
                result["values"] = read_numbers(drv, args.titles[slug], args.timeout)
                result["errors"] = drv.execute_script(ERROR_JS)["errors"]
            except (TimeoutError, WebDriverException) as exc:
                result["errors"].append(f"{type(exc).__name__}: {str(exc)[:500]}")
            ok = ok and not result["errors"]
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
