"""Web Push as phone apps receive it, checked independently of Moot.

Run by `integration-tests/tests/suite/push.rs` against a running node:

    python mastodon_py_push.py BASE_URL LEGACY_TOKEN STANDARD_TOKEN GONE_TOKEN

Runs a push service of its own on 127.0.0.1 and subscribes three tokens of
one person to it:
- LEGACY_TOKEN through Mastodon.py (which subscribes in the older `aesgcm`
  encoding), for mentions;
- STANDARD_TOKEN with a plain HTTP request asking `standard` (RFC 8291
  `aes128gcm`), for mentions;
- GONE_TOKEN, for mentions, at an address that answers 410 Gone.
Prints `READY` and waits (up to two minutes) for one push at each address.
Each push is decrypted with http_ece and its VAPID token checked with
`cryptography` against the node's key; then it prints one JSON line:
{"legacy": PAYLOAD, "standard": PAYLOAD, "gone_hits": N}. Exits non-zero,
saying why, on a failure.
"""

import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from mastodon import Mastodon

received = {}  # path -> list of (headers, body)
lock = threading.Lock()


class PushService(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            received.setdefault(self.path, []).append((self.headers, body))
        self.send_response(410 if self.path == "/gone" else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def b64(data):
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def new_keys():
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = bytes(range(16))
    return private, public, auth


def check_vapid(token, server_key, endpoint):
    """The JWT is signed by the node's key and addressed to our origin."""
    head, claims, signature = token.split(".")
    claims_json = json.loads(b64(claims))
    origin = "/".join(endpoint.split("/")[:3])
    if claims_json["aud"] != origin:
        sys.exit(f"VAPID aud {claims_json['aud']} is not {origin}")
    if claims_json["exp"] < time.time():
        sys.exit("VAPID token already expired")
    raw = b64(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64(server_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        sys.exit("the VAPID signature does not verify with the node's key")


def wait_for(path, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with lock:
            if received.get(path):
                return received[path][0]
        time.sleep(0.2)
    sys.exit(f"no push reached {path} within {seconds} s")


def main(base, legacy_token, standard_token, gone_token):
    service = ThreadingHTTPServer(("127.0.0.1", 0), PushService)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    here = f"http://127.0.0.1:{service.server_address[1]}"

    # The older encoding, exactly as Mastodon.py subscribes.
    legacy_api = Mastodon(access_token=legacy_token, api_base_url=base)
    legacy_private, legacy_public, legacy_auth = new_keys()
    legacy_sub = legacy_api.push_subscription_set(
        f"{here}/legacy",
        {"pubkey": legacy_public, "auth": legacy_auth},
        mention_events=True,
    )
    if legacy_sub["alerts"]["mention"] is not True or legacy_sub["alerts"]["follow"] is not False:
        sys.exit(f"alerts not as asked: {legacy_sub}")
    server_key = legacy_sub["server_key"]
    instance = requests.get(f"{base}/api/v2/instance").json()
    if instance["configuration"]["vapid"]["public_key"] != server_key:
        sys.exit("the instance's VAPID key is not the subscription's server_key")

    # RFC 8291, asked for by `standard` (a JSON body, as newer apps send).
    std_private, std_public, std_auth = new_keys()
    made = requests.post(
        f"{base}/api/v1/push/subscription",
        headers={"Authorization": f"Bearer {standard_token}"},
        json={
            "subscription": {
                "endpoint": f"{here}/standard",
                "standard": True,
                "keys": {
                    "p256dh": base64.urlsafe_b64encode(std_public).decode().rstrip("="),
                    "auth": base64.urlsafe_b64encode(std_auth).decode().rstrip("="),
                },
            },
            "data": {"alerts": {"mention": True}, "policy": "all"},
        },
    )
    if made.status_code != 200 or made.json()["standard"] is not True:
        sys.exit(f"standard subscription: {made.status_code} {made.text}")

    gone_api = Mastodon(access_token=gone_token, api_base_url=base)
    _, gone_public, gone_auth = new_keys()
    gone_api.push_subscription_set(
        f"{here}/gone", {"pubkey": gone_public, "auth": gone_auth}, mention_events=True
    )

    print("READY", flush=True)

    headers, body = wait_for("/legacy")
    if headers.get("Content-Encoding") != "aesgcm":
        sys.exit(f"legacy push encoded as {headers.get('Content-Encoding')}")
    crypto_key = headers["Crypto-Key"]
    dh = b64(crypto_key.split("dh=")[1].split(";")[0].strip())
    signer = b64(crypto_key.split("p256ecdsa=")[1].strip())
    if base64.urlsafe_b64encode(signer).decode().rstrip("=") != server_key:
        sys.exit("the legacy push names another VAPID key")
    check_vapid(headers["Authorization"].split(" ", 1)[1], server_key, f"{here}/legacy")
    legacy_payload = json.loads(
        http_ece.decrypt(
            body,
            salt=b64(headers["Encryption"].split("salt=")[1].strip()),
            dh=dh,
            private_key=legacy_private,
            auth_secret=legacy_auth,
            keylabel="P-256",
            version="aesgcm",
        )
    )

    headers, body = wait_for("/standard")
    if headers.get("Content-Encoding") != "aes128gcm":
        sys.exit(f"standard push encoded as {headers.get('Content-Encoding')}")
    vapid = dict(
        part.strip().split("=", 1) for part in headers["Authorization"][len("vapid "):].split(",")
    )
    if vapid["k"] != server_key:
        sys.exit("the standard push names another VAPID key")
    check_vapid(vapid["t"], server_key, f"{here}/standard")
    standard_payload = json.loads(
        http_ece.decrypt(body, private_key=std_private, auth_secret=std_auth, version="aes128gcm")
    )

    wait_for("/gone")
    with lock:
        gone_hits = len(received["/gone"])
    print(json.dumps({"legacy": legacy_payload, "standard": standard_payload, "gone_hits": gone_hits}))


if __name__ == "__main__":
    main(*sys.argv[1:])
