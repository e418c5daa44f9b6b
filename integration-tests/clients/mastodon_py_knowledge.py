"""A member who follows a group from a Mastodon app sees the group's
knowledge in their home timeline: a new wiki page, a new document and a
new event, each a post by the group with a link to it; and a reply to one
becomes part of its discussion.

    python mastodon_py_knowledge.py BASE_URL USERNAME PASSWORD GROUP TITLE...
"""

import sys

from mastodon_py_journey import check, sign_in


def main(base, username, password, group, titles):
    api = sign_in(base, username, password)
    home = api.timeline_home(limit=40)
    by_group = [s for s in home if s["account"]["acct"] == group]
    for title in titles:
        found = [s for s in by_group if title in s["content"]]
        check(found, f"nothing about {title!r} from {group} in the home timeline")
        check("<a href=" in found[0]["content"], f"the post about {title!r} has no link")
    announcement = by_group[0]
    check(announcement["account"]["group"] is True, "the posts are not in the group's name")
    reply = api.status_post("Thanks, this helps.", in_reply_to_id=announcement["id"])
    context = api.status_context(announcement["id"])
    check(
        any(s["id"] == reply["id"] for s in context["descendants"]),
        "the reply is not in the discussion",
    )
    print(f"OK: {len(by_group)} posts by {group}; a reply joined the discussion")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
