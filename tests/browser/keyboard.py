"""Helpers for moving through a page with the keyboard, as a person without a mouse does."""

# The look of the focused element, its label (the box of a GOV.UK checkbox is drawn on its label) and children.
STYLE_SIGNATURE = """element => {
    const nodes = [element, ...element.children, ...(element.labels || [])];
    return nodes.flatMap(node => [null, "::before", "::after"].map(pseudo => {
        const style = getComputedStyle(node, pseudo);
        return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow, style.backgroundColor,
                style.color, style.borderColor, style.borderWidth, style.textDecorationLine].join(" ");
    })).join(" / ");
}"""


def focused(page, selector):
    return page.evaluate("selector => document.activeElement?.matches(selector)", selector)


def press_tab_until(page, selector, limit=400):
    """Press Tab until the focused element matches `selector`, checking that every stop on the way shows focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_is_visible(page)
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def describe_focus(page):
    return page.evaluate("document.activeElement.outerHTML.slice(0, 200)")


def assert_focus_is_visible(page):
    """Fail unless the focused element is on screen and looks different from when it is not focused."""
    handle = page.evaluate_handle("document.activeElement")
    if page.evaluate("element => element === document.body", handle):
        return
    box = handle.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, f"focus is on something not shown: {describe_focus(page)}"
    with_focus = page.evaluate(STYLE_SIGNATURE, handle)
    page.evaluate("element => element.blur()", handle)
    without_focus = page.evaluate(STYLE_SIGNATURE, handle)
    page.evaluate("element => element.focus({preventScroll: true})", handle)
    assert with_focus != without_focus, f"nothing shows that this has focus: {describe_focus(page)}"


def filter_with_keyboard(page, *checkboxes):
    """Tick the filter checkboxes (selectors) with Space and apply them with Enter, as on the listing and the map."""
    for checkbox in checkboxes:
        press_tab_until(page, checkbox)
        page.keyboard.press("Space")
    press_tab_until(page, ".app-filters button[type=submit]")
    page.keyboard.press("Enter")
