"""A stand-in for the `anthropic` package (2.x), for claude-ls's export tests.

The real SDK cannot be installed where the tests run. This stand-in does what
the exported programs rely on, as 2.x does it: the keyword arguments of
messages.create / messages.stream are the body; extra_body is merged into it;
extra_headers win over the client's headers; anthropic-version is 2026-10-21
unless a header says otherwise; temperature, top_p and top_k are refused as
arguments (2.x removed them); the key comes from ANTHROPIC_API_KEY and goes out
as Authorization: Bearer, to ANTHROPIC_BASE_URL.
"""

import json
import os
import urllib.request

_ARGUMENTS = {
    "model", "max_tokens", "messages", "system", "metadata", "stop_sequences",
    "thinking", "tools", "tool_choice", "service_tier",
}


class _Block:
    def __init__(self, data):
        self.type = data.get("type")
        self.text = data.get("text", "")


class _Message:
    def __init__(self, data):
        self.content = [_Block(b) for b in data.get("content", [])]


class _Stream:
    def __init__(self, lines):
        self._text = []
        for line in lines:
            if not line.startswith("data: "):
                continue
            event = json.loads(line[len("data: "):])
            if event.get("type") == "content_block_delta" and event["delta"].get("type") == "text_delta":
                self._text.append(event["delta"]["text"])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get_final_text(self):
        return "".join(self._text)


class _Messages:
    def __init__(self, client):
        self._client = client

    def create(self, *, extra_headers=None, extra_body=None, **params):
        data = self._client._post(params, extra_headers, extra_body, stream=False)
        return _Message(json.loads(data))

    def stream(self, *, extra_headers=None, extra_body=None, **params):
        data = self._client._post(params, extra_headers, extra_body, stream=True)
        return _Stream(data.decode("utf-8").splitlines())


class Anthropic:
    def __init__(self, *, api_key=None, base_url=None, default_headers=None):
        self.api_key = api_key or os.environ["ANTHROPIC_API_KEY"]
        self.base_url = (base_url or os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com").rstrip("/")
        self.default_headers = dict(default_headers or {})
        self.messages = _Messages(self)

    def _post(self, params, extra_headers, extra_body, stream):
        unknown = set(params) - _ARGUMENTS
        if unknown:
            raise TypeError("create() got unexpected keyword arguments: " + ", ".join(sorted(unknown)))
        body = dict(params)
        body.update(extra_body or {})
        if stream:
            body["stream"] = True
        headers = {
            "anthropic-version": "2026-10-21",
            "authorization": "Bearer " + self.api_key,
            "content-type": "application/json",
        }
        headers.update(self.default_headers)
        headers.update(extra_headers or {})
        request = urllib.request.Request(
            self.base_url + "/v1/messages", data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request) as response:
            return response.read()
