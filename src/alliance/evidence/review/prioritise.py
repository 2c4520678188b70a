"""Prioritised screening: rank unscreened records by how likely a reviewer is to include them.

Features are TF-IDF weights of words and word pairs over every record (titles, abstracts,
keywords), computed once without labels; a linear classifier is trained on the records screened
so far and scores the rest, as ASReview's default cycle does (TF-IDF with a linear model). The
classifier weighs the classes equally however rare inclusions are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.naive_bayes import MultinomialNB  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from alliance.evidence.review.records import Record

CLASSIFIERS = ("logistic", "svm", "nb")
UNLABELLED = -1


class ScreeningModel:
    """TF-IDF features and a linear classifier that rank records for screening.

    ``fit(texts, labels)`` takes every record's text and a label per record: 1 included,
    0 excluded, -1 not yet screened. Fitted attributes: ``vectorizer_``, ``features_``,
    ``classifier_``, ``labels_`` and ``relevance_`` (a score per record, higher = rank first).
    """

    def __init__(self, classifier: str = "logistic", ngram_max: int = 2, seed: int = 0) -> None:
        if classifier not in CLASSIFIERS:
            raise ValueError(f"unknown classifier {classifier!r} (known: {', '.join(CLASSIFIERS)})")
        self.classifier = classifier
        self.ngram_max = ngram_max
        self.seed = seed

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> Self:
        """Compute features for every record and train on the labelled ones."""
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=(1, self.ngram_max), sublinear_tf=True, stop_words="english"
        )
        self.features_: csr_matrix = self.vectorizer_.fit_transform(texts)
        return self.retrain(labels)

    def retrain(self, labels: Sequence[int]) -> Self:
        """Train the classifier again on new labels, keeping the features."""
        self.labels_ = np.asarray(labels, dtype=int)
        known = self.labels_ != UNLABELLED
        classes = set(self.labels_[known].tolist())
        if classes != {0, 1}:
            raise ValueError("training needs at least one included and one excluded record")
        self.classifier_ = self._classifier()
        self.classifier_.fit(self.features_[known], self.labels_[known])
        self.relevance_ = self._scores()
        return self

    def ranking(self) -> np.ndarray:
        """Indices of the records not yet screened, most likely inclusion first."""
        pool = np.flatnonzero(self.labels_ == UNLABELLED)
        return pool[np.argsort(-self.relevance_[pool], kind="stable")]

    def _classifier(self) -> LogisticRegression | LinearSVC | MultinomialNB:
        if self.classifier == "logistic":
            return LogisticRegression(class_weight="balanced", max_iter=1000)
        if self.classifier == "svm":
            return LinearSVC(class_weight="balanced", C=0.11, random_state=self.seed)
        return MultinomialNB(alpha=3.822)

    def _scores(self) -> np.ndarray:
        if isinstance(self.classifier_, LinearSVC):
            return np.asarray(self.classifier_.decision_function(self.features_))
        return np.asarray(self.classifier_.predict_proba(self.features_)[:, 1])


def prioritised_queue(
    records: Sequence[Record], screened: Mapping[str, bool], queue: Sequence[str]
) -> list[str]:
    """Order ``queue`` by predicted inclusion, learning from ``screened`` (id -> included).

    With no inclusion or no exclusion yet there is nothing to learn from, and the queue is
    returned as given.
    """
    if set(screened.values()) != {True, False}:
        return list(queue)
    labels = [int(screened[r.id]) if r.id in screened else UNLABELLED for r in records]
    model = ScreeningModel().fit([r.text() for r in records], labels)
    ids = [r.id for r in records]
    wanted = set(queue)
    return [ids[i] for i in model.ranking() if ids[i] in wanted]
