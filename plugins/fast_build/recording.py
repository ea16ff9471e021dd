"""What a page reads while it is rendered: the template variables it looks up and the bodies it shows.

The Jinja environment of each generator gets a context class that notes
every name a template resolves, and attribute lookups that note every
article body read (``article.content``, or a summary cut from the body).
Both note into the :class:`Recorder` of the build, which only records while
a page is being rendered.
"""

from jinja2.runtime import Context
from pelican.contents import Content

from archivist import pelican_compat


class Recorder:
    """The names and body source paths read by the page being rendered (None between pages)."""

    __slots__ = ("names", "bodies")

    def __init__(self):
        self.names = self.bodies = None

    def start(self):
        self.names, self.bodies = set(), set()

    def stop(self):
        self.names = self.bodies = None


class RecordingContext(Context):
    """A Jinja context that notes every template variable a page looks up.

    Jinja makes contexts from the environment's ``context_class``; a subclass
    made by :func:`record` holds the build's recorder.
    """

    recorder = Recorder()  # never recording: replaced on each build's subclass

    def resolve_or_missing(self, key):
        names = self.recorder.names
        if names is not None:
            names.add(key)
        return super().resolve_or_missing(key)


def record(env, recorder):
    """Make the templates of the Jinja environment ``env`` note what they read into ``recorder``."""
    env.context_class = type("RecordingContext", (RecordingContext,), {"recorder": recorder})
    # Templates look attributes up through these (article.content, article["content"]).
    for name in ("getattr", "getitem"):
        lookup = getattr(env, name)
        setattr(env, name, _recording_lookup(getattr(lookup, "unrecorded", lookup), recorder))


def _recording_lookup(lookup, recorder):
    """Jinja's attribute lookup ``lookup``, noting the content bodies the page being rendered reads."""

    def recording_lookup(obj, attribute):
        if recorder.bodies is not None and isinstance(obj, Content) and pelican_compat.reads_body(obj, attribute):
            recorder.bodies.add(obj.source_path)
        return lookup(obj, attribute)

    recording_lookup.unrecorded = lookup
    return recording_lookup
