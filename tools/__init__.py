"""What builds things and is never imported by a chapter: ``tools.build`` (raw sources in
``../shared/sources`` -> ``data/``), ``tools.book`` (the Jupyter Book build), ``tools.bench``,
``tools.pdf`` and ``tools.maps`` (the province geometry in ``data/geo/``)."""
