"""Read a response's body whether it was streamed (the downloads) or not."""

import json


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def json_body(response):
    return json.loads(body(response))
