"""What the chapters and readers use: the book's computation, nothing that builds the book.

Data and its guarantees
    ``paths``, ``schema`` (the tidy columns, units), ``manifest`` (the data package's records and
    sha256, shared with the raw-source build in ``tools/build``), ``data`` (load, series, coverage,
    and ``python -m helpers.data add|remove|validate|list``), ``nbs_export`` (reading NBS exports
    and wide tables), ``provinces``, ``series`` (labels), ``units`` (conversions at the official rate).
The three balances and the analysis, one module per chapter topic
    ``balances`` (their names, the coastal sets, "the rest"), ``customs``, ``decomposition``,
    ``caveats``, ``fiscal_context``, ``national``, ``ledger`` (the claims of ``ledger/claims.yml``).
Pages
    ``page`` (glue), ``charts`` (the one chart theme and renderer), ``coverage``, ``sources``,
    ``appendix``, ``summary``.
"""
