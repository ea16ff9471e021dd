"""The writer: Pelican's, but a call whose pages are all up to date is not written at all, and an
up-to-date page inside a call that is written keeps its file untouched.

The writer class is made for one build (``writer_for``): its pages are
decided by that build's :class:`~fast_build.state.BuildState`.
"""

from archivist import pelican_compat


class _TemplateProxy:
    """What the writer renders: the real template behind BuildState.render."""

    def __init__(self, template, state):
        self._template = template
        self._state = state

    def render(self, localcontext):
        return self._state.render(self._template, localcontext)

    def __getattr__(self, name):
        return getattr(self._template, name)


class FastWriter(pelican_compat.WriterLeavingFiles):
    """Pelican's writer, which leaves up-to-date pages untouched on disk."""

    state = None  # the BuildState, set on the class made for each build

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        state = self.state
        options = {"relative_urls": relative_urls, "template_name": template_name,
                   "override_output": override_output, "url": url}
        if state is None or template is None or not name:
            return super().write_file(name, template, context, paginated=paginated, **options, **kwargs)
        call = state.start_call(name, template, context, kwargs, paginated, **options)
        pages = state.unchanged_call(call, template)
        if pages is not None and pelican_compat.act_as_written(self, pages, context, relative_urls,
                                                               override_output, kwargs):
            state.keep(call, pages)
            return None
        state.call = call
        try:
            super().write_file(name, _TemplateProxy(template, state), context, paginated=paginated, **options,
                               **kwargs)
        finally:
            state.call = None
        state.end_call(call)
        return None

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        if self.state is not None and path:
            self.state.producing(path)
        feed = super().write_feed(elements, context, path, *args, **kwargs)
        if self.state is not None and path:
            self.state.produced(path)
        return feed

    def leaves_alone(self, path):
        """A page left alone inside a call that is written: Pelican's write of "" goes nowhere."""
        return self.state is not None and path in self.state.skipped


def writer_for(state):
    """The writer class Pelican instantiates for the build of ``state`` (get_writer wants a class)."""
    return type("FastWriter", (FastWriter,), {"state": state})
