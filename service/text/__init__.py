"""StanceWire text pipeline: article text -> sentences -> attributed statements -> speakers.

from service.text import extract_statements
for st in extract_statements(article):
    if st.attributed:
        print(st.speaker_name, st.quote.text_of(article) if st.quote else None)
"""

from .pipeline import extract_statements
from .quotes import Quote, find_quotes
from .segment import paragraphs, segment
from .types import Sentence, Span, Statement

__all__ = ["Quote", "Sentence", "Span", "Statement", "extract_statements", "find_quotes", "paragraphs", "segment"]
