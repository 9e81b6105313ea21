"""The category model in a form that predicts without scikit-learn: vocabularies, idf
weights, the linear SVM's coefficients and the sigmoid calibrators, in one .npz file.

Training needs scikit-learn (`training.py`); answering does not: `aduan triage` and intake
skip its import (about a second of start-up) and the file does not depend on the library's
version. `CompiledModel.from_pipeline` reads a fitted pipeline of `training.build_pipeline`;
its probabilities equal the pipeline's (tested).
"""

import re
from collections import Counter
from pathlib import Path

import numpy as np

from .features import char_wb_ngrams

_TOKEN = re.compile(r"(?u)\b\w+\b")  # the word vectoriser's token_pattern


def _block(rows: list[int], columns: list[int], counts: list[int], idf: np.ndarray,
           n_documents: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and l2-normalised sublinear tf-idf values of one vectoriser's block."""
    rows_a = np.asarray(rows, dtype=np.intp)
    columns_a = np.asarray(columns, dtype=np.intp)
    values = (1.0 + np.log(np.asarray(counts, dtype=float))) * idf[columns_a]
    norms = np.sqrt(np.bincount(rows_a, weights=values * values, minlength=n_documents))
    return rows_a, columns_a, values / norms[rows_a] if len(values) else values


class CompiledModel:
    def __init__(self, classes: list[str], words: list[str], word_idf: np.ndarray,
                 chars: list[str], char_idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, cal_a: np.ndarray, cal_b: np.ndarray,
                 meta: dict[str, str] | None = None):
        self.classes = list(classes)
        self.words = {t: i for i, t in enumerate(words)}
        self.chars = {t: i for i, t in enumerate(chars)}
        self.word_idf, self.char_idf = word_idf, char_idf
        self.coef_t = np.ascontiguousarray(coef.T)  # (features, classes)
        self.intercept, self.cal_a, self.cal_b = intercept, cal_a, cal_b
        self.meta = dict(meta or {})
        self._word_list, self._char_list = list(words), list(chars)

    @classmethod
    def from_pipeline(cls, pipeline, meta: dict[str, str] | None = None) -> "CompiledModel":
        union = pipeline.named_steps["features"]
        word_vec = dict(union.transformer_list)["words"]
        char_vec = dict(union.transformer_list)["chars"]
        [calibrated] = pipeline.named_steps["model"].calibrated_classifiers_
        svm = calibrated.estimator
        classes = [str(c) for c in pipeline.classes_]
        if [str(c) for c in svm.classes_] != classes or len(classes) < 3:
            raise ValueError("expected a multi-class model with classes in order")
        words = sorted(word_vec.vocabulary_, key=word_vec.vocabulary_.get)
        chars = sorted(char_vec.vocabulary_, key=char_vec.vocabulary_.get)
        return cls(classes, words, word_vec.idf_, chars, char_vec.idf_, svm.coef_,
                   svm.intercept_, np.array([c.a_ for c in calibrated.calibrators]),
                   np.array([c.b_ for c in calibrated.calibrators]), meta)

    def save(self, path: Path) -> None:
        with Path(path).open("wb") as handle:
            np.savez_compressed(
                handle, classes=np.array(self.classes), words=np.array(self._word_list),
                word_idf=self.word_idf, chars=np.array(self._char_list),
                char_idf=self.char_idf, coef=self.coef_t.T, intercept=self.intercept,
                cal_a=self.cal_a, cal_b=self.cal_b,
                meta_keys=np.array(list(self.meta), dtype=str),
                meta_values=np.array(list(self.meta.values()), dtype=str))

    @classmethod
    def load(cls, path: Path) -> "CompiledModel":
        with np.load(Path(path), allow_pickle=False) as data:
            meta = dict(zip(data["meta_keys"].tolist(), data["meta_values"].tolist(),
                            strict=True))
            return cls(data["classes"].tolist(), data["words"].tolist(), data["word_idf"],
                       data["chars"].tolist(), data["char_idf"], data["coef"],
                       data["intercept"], data["cal_a"], data["cal_b"], meta)

    def decision(self, documents: list[str]) -> np.ndarray:
        """Linear SVM scores of prepared texts (n_documents x n_classes)."""
        words_get, chars_get = self.words.get, self.chars.get
        w_rows, w_cols, w_counts, c_rows, c_cols, c_counts = [], [], [], [], [], []
        for row, document in enumerate(documents):
            tokens = _TOKEN.findall(document)
            grams = Counter(tokens)
            grams.update([f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)])
            for term, count in grams.items():
                column = words_get(term)
                if column is not None:
                    w_rows.append(row)
                    w_cols.append(column)
                    w_counts.append(count)
            for term, count in Counter(char_wb_ngrams(document)).items():
                column = chars_get(term)
                if column is not None:
                    c_rows.append(row)
                    c_cols.append(column)
                    c_counts.append(count)
        n = len(documents)
        wr, wc, wv = _block(w_rows, w_cols, w_counts, self.word_idf, n)
        cr, cc, cv = _block(c_rows, c_cols, c_counts, self.char_idf, n)
        rows = np.concatenate([wr, cr])
        columns = np.concatenate([wc, cc + len(self.words)])
        values = np.concatenate([wv, cv])
        scores = np.zeros((n, len(self.classes)))
        if len(rows):
            order = np.argsort(rows, kind="stable")
            rows, columns, values = rows[order], columns[order], values[order]
            products = self.coef_t[columns] * values[:, None]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            scores[rows[starts]] = np.add.reduceat(products, starts, axis=0)
        return scores + self.intercept

    def predict_proba(self, documents: list[str]) -> np.ndarray:
        """Calibrated probabilities, as CalibratedClassifierCV's sigmoid method gives them."""
        scores = self.decision(documents)
        proba = 1.0 / (1.0 + np.exp(self.cal_a * scores + self.cal_b))
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / len(self.classes))
        proba = np.divide(proba, total, out=uniform, where=total != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba
