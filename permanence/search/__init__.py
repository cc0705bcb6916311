"""Full-text search over the knowledge base, made for French questions.

``text`` turns text into search terms (accents, case, elision, stop words,
stems); ``index`` builds the index of the FAQ and the guide; ``store`` keeps
it on disk and reads back only what a query needs; ``rank`` scores the
documents and decides whether anything is relevant enough to show.
"""
