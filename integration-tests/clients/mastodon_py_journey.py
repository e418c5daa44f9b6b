"""A member of staff's first session with Moot, through Mastodon.py.

Run by `integration-tests/tests/mastodon_py.rs` against a running node:

    python mastodon_py_journey.py BASE_URL USERNAME PASSWORD GROUP

Registers an app, signs in through the node's own /oauth/authorize form
with PKCE, posts a PDF, reads the home timeline, follows a group and waits
for a streaming `update`. Exits non-zero, saying why, on the first failure.
"""

import base64
import hashlib
import html.parser
import secrets
import sys
import threading
import urllib.parse

import requests
from mastodon import Mastodon, StreamListener

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FormReader(html.parser.HTMLParser):
    """Collects a page's hidden inputs and the text of its <code id="code">."""

    def __init__(self):
        super().__init__()
        self.hidden = {}
        self.code = None
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs.get("value", "")
        if tag == "code" and attrs.get("id") == "code":
            self._in_code = True

    def handle_data(self, data):
        if self._in_code:
            self.code = (self.code or "") + data

    def handle_endtag(self, tag):
        if tag == "code":
            self._in_code = False


def check(condition, message):
    if not condition:
        sys.exit(f"FAILED: {message}")


def sign_in(base, username, password):
    client_id, client_secret = Mastodon.create_app(
        "Moot journey", scopes=SCOPES, redirect_uris=OOB, api_base_url=base
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    url = app.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
    url += "&" + urllib.parse.urlencode(
        {"code_challenge": challenge, "code_challenge_method": "S256"}
    )
    # The person's browser: the sign-in page, then the form posted back.
    browser = requests.Session()
    page = browser.get(url)
    check(page.status_code == 200, f"sign-in page answered {page.status_code}")
    form = FormReader()
    form.feed(page.text)
    check("code_challenge" in form.hidden, "the form does not carry the PKCE challenge")
    answer = browser.post(
        urllib.parse.urljoin(base, "/oauth/authorize"),
        data={**form.hidden, "login": username, "password": password, "decision": "approve"},
    )
    check(answer.status_code == 200, f"signing in answered {answer.status_code}")
    shown = FormReader()
    shown.feed(answer.text)
    check(shown.code, "no authorization code on the page")
    # Mastodon.py's log_in does not send a PKCE verifier; the token request
    # is made as any PKCE client makes it.
    token = requests.post(
        urllib.parse.urljoin(base, "/oauth/token"),
        data={
            "grant_type": "authorization_code",
            "code": shown.code.strip(),
            "redirect_uri": OOB,
            "client_id": client_id,
            "client_secret": client_secret,
            "code_verifier": verifier,
        },
    )
    check(token.status_code == 200, f"token exchange answered {token.status_code}: {token.text}")
    check(set(token.json()["scope"].split()) == set(SCOPES), "granted scopes differ")
    return Mastodon(access_token=token.json()["access_token"], api_base_url=base)


class Updates(StreamListener):
    def __init__(self):
        super().__init__()
        self.seen = {}
        self.arrived = threading.Condition()

    def on_update(self, status):
        with self.arrived:
            self.seen[str(status["id"])] = status
            self.arrived.notify_all()

    def wait_for(self, status_id, seconds):
        with self.arrived:
            return self.arrived.wait_for(lambda: status_id in self.seen, timeout=seconds)


def main(base, username, password, group):
    api = sign_in(base, username, password)
    me = api.account_verify_credentials()
    check(me["username"] == username, f"signed in as {me['username']}")

    # A document, posted.
    media = api.media_post(
        PDF, mime_type="application/pdf", file_name="minutes.pdf", description="Minutes"
    )
    check(media["type"] == "unknown", f"a PDF is attached as {media['type']}")
    post = api.status_post("Minutes of the housing forum", media_ids=[media])
    check(len(post["media_attachments"]) == 1, "the post lost its attachment")
    downloaded = requests.get(post["media_attachments"][0]["url"])
    check(downloaded.content == PDF, "the attachment does not download as uploaded")

    # A poll, as clients make it (Mastodon.py sends poll[options][] and
    # friends as form fields).
    asked = api.status_post(
        "When should the forum meet?",
        poll=api.make_poll(["Tuesday", "Thursday"], expires_in=3600),
    )
    check(asked["poll"] is not None, "the post has no poll")
    titles = [option["title"] for option in asked["poll"]["options"]]
    check(titles == ["Tuesday", "Thursday"], f"the poll's options are {titles}")
    check(api.poll(asked["poll"]["id"])["votes_count"] == 0, "a new poll has votes")

    home = api.timeline_home()
    check(any(s["id"] == post["id"] for s in home), "the post is not in the home timeline")

    # A group: an account with group set; following it joins.
    found = api.account_lookup(group)
    check(found["group"] is True, "the group is not shown as a group")
    relationship = api.account_follow(found)
    check(relationship["following"] or relationship["requested"], "following the group failed")

    # Streaming: the next post arrives as an update on the user stream.
    listener = Updates()
    handle = api.stream_user(listener, run_async=True, reconnect_async=False)
    try:
        check(api.stream_healthy(), "the streaming API is not healthy")
        # The stream opens asynchronously: post until one arrives.
        arrived = False
        for attempt in range(10):
            streamed = api.status_post(f"Streamed hello {attempt}")
            if listener.wait_for(str(streamed["id"]), 2):
                arrived = True
                break
        check(arrived, "no streaming update arrived")
    finally:
        handle.close()
    print("OK: app, PKCE sign-in, document post, poll, home timeline, group follow, streaming")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
