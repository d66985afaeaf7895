"""The controlled vocabulary, the genre map, key parsing and profile validation.

Qt-free; the data lives in ``resources/vocabulary.json`` and ``resources/genres.json``::

    vocab = load_vocabulary()                    # cached
    vocab.genres.canonicalize("TECHNO / HOUSE")  # ["Techno", "House"]
    validate_profile(profile, vocab)             # raises InvalidProfile when off-list
"""

from .genres import GenreAnalysis, GenreAttributes, GenreMap
from .validation import InvalidProfile, coerce_profile, validate_profile
from .vocab import Vocabulary, VocabularyError, load_vocabulary

__all__ = [
    "GenreAnalysis",
    "GenreAttributes",
    "GenreMap",
    "InvalidProfile",
    "Vocabulary",
    "VocabularyError",
    "coerce_profile",
    "load_vocabulary",
    "validate_profile",
]
