"""Python's cycle collector during a build (FAST_BUILD "gc_freeze").

A build's objects mostly live as long as it does (the last manifest,
Pelican's content cache, the articles, the contexts), and Python's full
collections walk all of them again whenever the new ones have grown by a
quarter. At a few points of the build (after the content cache is loaded,
after the articles are read, before the pages are written, at the end) the
objects made so far are frozen: exempt from collection, one list splice.
Cyclic garbage among them waits for the next build in the same process
(``pelican --autoreload``), which unfreezes and collects first, or for the
process's end, whose last collection then has nothing to walk.
"""

import gc


def settle():
    """Exempt every object made so far from the cycle collector."""
    gc.freeze()


def free_earlier_builds():
    """An earlier build in this process left its objects frozen: collect its garbage."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
