"""Production settings: `make publish` (and the GitHub Pages workflow).

SITEURL comes from the environment, e.g.
`SITEURL=https://USER.github.io/REPO make publish`; feeds and the sitemap need
absolute addresses, pages keep working under that subpath.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
# Without an address, keep links relative so the build still works anywhere.
RELATIVE_URLS = not SITEURL
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
# A draft is never published: not written at all (its checks still run).
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
