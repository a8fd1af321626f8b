"""Submit a page's GET form as a browser without JavaScript does: every successful control, empty ones included."""

from urllib.parse import urlencode

import html5lib


def form_query(html, selector_class):
    """Return the (name, value) pairs the form with `selector_class` sends, in document order."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    form = next(f for f in document.iter("form") if selector_class in (f.get("class") or "").split())
    pairs = []
    for control in form.iter():
        name = control.get("name")
        if not name or control.get("disabled") is not None:
            continue
        if control.tag == "input":
            kind = (control.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if control.get("checked") is not None:
                    pairs.append((name, control.get("value", "on")))
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                pairs.append((name, control.get("value", "")))
        elif control.tag == "select":
            options = list(control.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            pairs.extend((name, option.get("value", option.text or "")) for option in chosen)
        elif control.tag == "textarea":
            pairs.append((name, control.text or ""))
    return pairs


def submit(client, response, selector_class, action=None):
    """GET the form's action with what the form sends as it stands on `response`'s page."""
    query = urlencode(form_query(response.content, selector_class))
    return client.get(f"{action or response.request['PATH_INFO']}?{query}")
