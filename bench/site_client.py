"""A small HTTP client for the site on loopback, as the cluster test and the load test with editing use it.

It reads every body to its end and says when one was cut short, keeps cookies by hand (the site's cookies are
Secure, and it is served over plain HTTP here), and can sign in to the admin and save a mutual's change form as an
editor's browser would.
"""

import http.client
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

# What a load balancer sends to every server: one public host name, so that they share cached pages.
HOST = "localhost"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    whole: bool = True
    error: str = ""
    seconds: float = 0.0

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def get(port, path, headers=None, timeout=30, method="GET", body=None):
    """Return the Answer of one request; `whole` is False if the body was cut short or the connection failed."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        answer_headers = {key.lower(): value for key, value in response.getheaders()}
        try:
            content = response.read()
            whole, error = True, ""
        except (http.client.IncompleteRead, OSError) as cut:
            content, whole, error = getattr(cut, "partial", b""), False, f"cut short: {cut!r}"
        return Answer(response.status, answer_headers, content, whole, error, time.monotonic() - started)
    except (OSError, http.client.HTTPException) as failure:
        return Answer(0, {}, b"", False, f"no answer: {failure!r}", time.monotonic() - started)
    finally:
        connection.close()


def is_whole_document(answer):
    """Return whether a 200 or 503 body is complete by its own syntax: HTML closed, JSON parsed, CSV ended."""
    import json

    kind = answer.headers.get("content-type", "")
    if not answer.whole:
        return False
    if "content-length" in answer.headers and int(answer.headers["content-length"]) != len(answer.body):
        return False
    if kind.startswith("text/html"):
        return answer.body.rstrip().endswith(b"</html>")
    if "json" in kind:
        try:
            json.loads(answer.body)
        except ValueError:
            return False
        return True
    if kind.startswith("text/csv"):
        return answer.body.endswith(b"\n")
    return True


class FormFields(HTMLParser):
    """Collect what a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


@dataclass
class Editor:
    """An editor's browser session on one server: signs in to the admin and saves mutuals' change forms."""

    port: int
    cookies: dict = field(default_factory=dict)

    def request(self, path, data=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST" if data is not None else "GET", path, body=body, headers={"Host": HOST, **headers}
            )
            response = connection.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def form(self, path, form_id):
        page = self.request(path)
        if page.status != 200:
            raise RuntimeError(f"{path} answered {page.status}")
        parser = FormFields(form_id)
        parser.feed(page.text)
        return parser.fields

    def sign_in(self, username, password):
        fields = dict(self.form("/admin/login/?next=/admin/", "login-form"))
        answer = self.request("/admin/login/?next=/admin/", {**fields, "username": username, "password": password})
        if answer.status != 302:
            raise RuntimeError(f"signing in answered {answer.status}")

    def save_mutual(self, pk, **changes):
        """Save a mutual's change form in the admin with `changes`; return the Answer (302 when saved)."""
        path = f"/admin/directory/mutual/{pk}/change/"
        fields = [(name, value) for name, value in self.form(path, "mutual_form") if name not in changes]
        fields += list(changes.items()) + [("_save", "Save")]
        answer = self.request(path, fields)
        if answer.status != 302:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer.text, re.S)
            raise RuntimeError(f"saving mutual {pk} answered {answer.status}: {errors[:3]}")
        return answer
