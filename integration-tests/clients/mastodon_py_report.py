"""A report made through Mastodon.py, as a person's app makes it.

Run by `integration-tests/tests/suite/reports.rs` against a running node:

    python mastodon_py_report.py BASE_URL TOKEN ACCOUNT_ID STATUS_ID COMMENT

Reports the account and the post with `forward`, and prints the report the
node answers with, as JSON. Exits non-zero, saying why, on a failure.
"""

import json
import sys

from mastodon import Mastodon


def main(base, token, account_id, status_id, comment):
    api = Mastodon(access_token=token, api_base_url=base)
    report = api.report(
        account_id, status_ids=[status_id], comment=comment, forward=True, category="spam"
    )
    if not report["forwarded"]:
        sys.exit(f"the report was not sent on: {report}")
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:])
