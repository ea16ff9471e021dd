"""Pelican settings for the Archivist news archive.

This file is the single source of configuration: the site build, the plugins
and the `archivist` command line (importer, checker) all read it.
`publishconf.py` starts from it and changes only what production needs.
"""

from pathlib import Path as _Path

_REPOSITORY = _Path(__file__).resolve().parent

AUTHOR = "Archivist contributors"
SITENAME = "Archivist"
SITESUBTITLE = "A curated, searchable news archive"
SITEURL = ""
# Every link is relative and names a file, so that the same build works at a
# domain root, under a subpath (GitHub project pages) and opened from disk.
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
OUTPUT_PATH = "output"
THEME = "theme"

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = 20


def _newest_first(article):
    """Articles newest first, then by slug: Pelican's "reversed-date" order as its
    translation pass (which first sorts by slug) leaves it."""
    return (-article.date.timestamp(), article.slug)


# One language, no translations: Pelican's translation pass compares every article
# with every other (quadratic: 0.3 s at 5,000 articles, some 5 s at 20,000), and
# two articles with one slug would be paired as translations of each other (two
# that would write one page are refused by archive_guard).
ARTICLE_TRANSLATION_ID = None
ARTICLE_ORDER_BY = _newest_first
# Directory-style pagination: page N of a list lives in its own folder, so a
# tag "topic-2" (page 2 of "topic") can never collide with a tag "topic-22".
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/index.html", "{base_name}/page/{number}/index.html"),
)

# The topic taxonomy: topic name -> one-line description. The build refuses an
# article whose category is not listed here; the importer files articles by
# similarity to these descriptions and to articles already under each topic.
ARCHIVE_TOPICS = {
    "World": "International affairs, diplomacy, foreign ministries, wars, ceasefires and relations between countries.",
    "Politics": "Government, parliaments, elections, parties, laws, public policy and officials at home.",
    "Business": "Companies, markets, shares, deals, trade, investment, industry and the economy.",
    "Technology": "Telecommunications, the internet, computing, software, satellites, gadgets and technology firms.",
    "Science": "Scientific research, space exploration, astronomy, physics, climate and the natural world.",
    "Health": "Public health, medicine, diseases, hospitals, health authorities and outbreaks.",
    "Society": "Everyday life, communities, education, crime, rumours, social media and the law in society.",
    "Culture": "Film, music, television, books, the arts, celebrities, awards and entertainment.",
    "Sport": "Football, athletics, tennis, rugby, cricket, the Olympics and other sports competitions.",
}

# URLs: articles under their publication month, next to that month's archive.
# The date's fields, not "{date:%Y}/{date:%m}": the same text, but Pelican
# formats its dates in Python, and an article's URL and file name are
# formatted several times per build (0.6 s at 5,000 articles).
ARTICLE_URL = "{date.year}/{date.month:02d}/{slug}.html"
ARTICLE_SAVE_AS = ARTICLE_URL
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = PAGE_URL
CATEGORY_URL = "topics/{slug}/index.html"
CATEGORY_SAVE_AS = CATEGORY_URL
CATEGORIES_URL = "topics/index.html"
CATEGORIES_SAVE_AS = CATEGORIES_URL
# Tags are entities (people, organisations, places, subjects): a tag used by at
# least TAG_MIN_ARTICLES articles gets a page at TAG_URL, written by archive_site
# (not by Pelican: TAG_SAVE_AS is empty); a rarer one stays a plain mention on
# its articles. Types come from ENTITIES_FILE in the content folder.
TAG_URL = "tags/{slug}/index.html"
TAG_SAVE_AS = ""
TAG_MIN_ARTICLES = 2
ENTITIES_FILE = "entities.yml"
TAGS_URL = "tags/index.html"
TAGS_SAVE_AS = TAGS_URL
ENTITY_TYPE_URL = "entities/{type}/index.html"
ENTITY_LETTER_URL = "entities/{type}/{letter}/index.html"
ARCHIVES_URL = "archives/index.html"
ARCHIVES_SAVE_AS = ARCHIVES_URL
# Date pages and topics by year, written by archive_site; each is saved as its
# URL. Pelican's own period archives are off.
YEAR_PAGE_URL = "{year}/index.html"
MONTH_PAGE_URL = "{year}/{month:02d}/index.html"
DAY_PAGE_URL = "{year}/{month:02d}/{day:02d}/index.html"
TOPIC_YEAR_URL = "topics/{slug}/{year}/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
# Authors are shown on articles but get no pages of their own.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
# Drafts (status: draft, as `archivist new` writes) are built for preview only
# (make site, make serve), under drafts/ and marked as drafts; Pelican leaves
# them out of every list, feed, tag page and the search index, the sitemap
# skips them, and publishconf.py writes none.
DRAFT_URL = "drafts/{slug}.html"
DRAFT_SAVE_AS = DRAFT_URL
DRAFT_PAGE_URL = "drafts/pages/{slug}.html"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_URL
# Lists of the archive: home, topics, topics by year and entities paginate
# (entity lists 120 names a page).
PAGINATED_TEMPLATES = {
    "index": None,
    "tag": None,
    "category": None,
    "topic_year": None,
    "entities": 120,
}
# The tags index is written by archive_site, with the entity pages.
DIRECT_TEMPLATES = ["index", "categories", "archives", "search", "notfound"]
SEARCH_SAVE_AS = "search.html"
SEARCH_URL = SEARCH_SAVE_AS
# GitHub Pages serves 404.html for any missing path.
NOTFOUND_SAVE_AS = "404.html"

# Feeds: Atom only, summaries only, capped. Full text for every tag was
# measured at 137 MB for 10,000 articles.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = True

SUMMARY_MAX_LENGTH = 60
SLUGIFY_SOURCE = "title"
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.codehilite": {"css_class": "highlight"},
    },
    "output_format": "html5",
}

# Deterministic output: the same content gives byte-identical files.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = ".cache/pelican"
CHECK_MODIFIED_METHOD = "md5"
CONTENT_CACHING_LAYER = "reader"
# Pelican rewrites its whole content cache on every build that read a changed
# file: gzip made that 1.1 s of a rebuild after one edit at 5,000 articles.
GZIP_CACHE = False
# Dates come from the front matter (archivist check requires one); Pelican's
# default also parses the date in every file name, with dateutil, every build.
FILENAME_METADATA = ""
DELETE_OUTPUT_DIRECTORY = False

# Titles, tags and summaries are text: escape them everywhere, so markup in
# front matter is shown, never run. Rendered bodies are marked |safe in the theme.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}

# Hidden files and folders (".x.md", ".drafts/") are neither read nor
# published: archivist check skips them too, so nothing is built unchecked.
IGNORE_FILES = [".*"]

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "pelican.plugins.yaml_metadata",
    "pelican.plugins.sitemap",
    # Before archive_guard and fast_build: it stats the content before they read it.
    "sanitize",
    "archive_site",
    "archive_guard",
    "offline_download",
    "citations",
    "search",
    "fast_build",
]

# The search page and the 404 page are not content for search engines.
SITEMAP = {"format": "xml", "exclude": [r"^search\.html$", r"^404\.html$"]}
# plugins/fast_build: rebuilds render only pages whose inputs changed (manifest
# in CACHE_PATH) and delete files the previous build wrote and this one did not.
# A build whose inputs (content, theme, plugins, settings, packages and the
# files below, which the plugins read) did not change is skipped altogether.
FAST_BUILD = {
    # Files the plugins read that are not content, theme, plugins or settings: the
    # importer's library and the scripts the search plugin copies into the site.
    "inputs": [str(_REPOSITORY / "archivist"),
               str(_REPOSITORY / "node_modules" / "lunr" / "lunr.min.js"),
               str(_REPOSITORY / "node_modules" / "porter2" / "dist" / "index.js")],
}
# plugins/search: term-sharded lunr index in output/search/ (docs/search.md). Its
# SEARCH setting is unset: the plugin's defaults (plugins/search/settings.py).
# The build refuses what `archivist check` refuses. Its limits (file size,
# near-duplicate and tag similarity, days ahead) keep their defaults; to tune
# one, set e.g. ARCHIVE_GUARD = {"max_bytes": 2_000_000} (see docs/check-messages.md).
# Where the offline zip is published; set by the Pages workflow, unset locally
# (then the About page shows no download link).
OFFLINE_DOWNLOAD_URL = ""

# plugins/citations: JSON-LD, Open Graph, "Cite this article" and its files, JSON
# Feeds beside the Atom ones (capped by FEED_MAX_ITEMS), the updates page. CITATIONS
# is unset: the plugin's defaults (plugins/citations/core.py); its data_url, where
# the `make data` files are published, is set by `make dist` and the Pages workflow.

# Theme settings.
# plugins/archive_site: reading time, related articles, robots.txt, summary-only Atom.
# ARCHIVE_SITE is unset: the plugin's defaults (plugins/archive_site/core.py).
