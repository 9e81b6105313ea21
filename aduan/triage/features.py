"""Character n-grams of normalised text, shared by training (scikit-learn's vectoriser calls
it) and prediction without scikit-learn (`compiled.py`)."""

from functools import lru_cache


@lru_cache(maxsize=200_000)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    """Character 2-5-grams of one padded word, exactly as scikit-learn's "char_wb"."""
    padded = f" {word} "
    size = len(padded)
    out = []
    for n in range(2, 6):
        offset = 0
        out.append(padded[:n])
        while offset + n < size:
            offset += 1
            out.append(padded[offset:offset + n])
        if offset == 0:  # a short word counts once
            break
    return tuple(out)


def char_wb_ngrams(document: str) -> list[str]:
    """"char_wb" 2-5-grams of normalised text, cached per word (the text is already
    lowercase; the same words recur across complaints, so this is mostly lookups)."""
    out: list[str] = []
    for word in document.split():
        out.extend(_word_char_ngrams(word))
    return out
