"""Prioritised screening and its simulation: WSS and recall checked by hand and by recount."""

import csv
import io

import numpy as np
import pytest

from alliance.evidence.review.prioritise import ScreeningModel, prioritised_queue
from alliance.evidence.review.records import Record
from alliance.evidence.review.simulation import SimulationResult, simulate
from tests.evidence.conftest import data_text


def labelled_corpus() -> tuple[list[str], list[int]]:
    rows = list(csv.DictReader(io.StringIO(data_text("screening.csv"))))
    texts = [f"{r['title']} {r['abstract']} {r['keywords']}" for r in rows]
    return texts, [int(r["label_included"]) for r in rows]


def test_it_computes_wss_and_recall_as_worked_by_hand() -> None:
    # 20 records, 4 included, found at positions 1, 2, 5 and 10.
    labels = [0] * 20
    order = list(range(20))
    for position in (1, 2, 5, 10):
        labels[order[position - 1]] = 1
    result = SimulationResult(tuple(order), tuple(labels))
    assert result.recall_at(5) == 0.75
    assert result.records_for_recall(0.95) == 10  # ceil(0.95 * 4) = 4 found at record 10
    assert result.wss(0.95) == pytest.approx((20 - 10) / 20 - 0.05)  # 0.45
    assert result.wss(1.0) == pytest.approx(0.5)
    assert result.random_records_for_recall(0.95) == pytest.approx(4 * 21 / 5)


def test_it_screens_every_record_once_priors_first_and_finds_them_all() -> None:
    texts, labels = labelled_corpus()
    result = simulate(texts, labels, seed=3, classifier="nb")
    assert sorted(result.order) == list(range(len(texts)))
    assert [labels[i] for i in result.order[:2]] == [1, 0]
    assert result.to_frame()["recall"].iloc[-1] == 1.0
    assert simulate(texts, labels, seed=3, classifier="nb").order == result.order


def test_it_saves_most_of_the_work_random_screening_would_need() -> None:
    texts, labels = labelled_corpus()
    result = simulate(texts, labels, seed=0)
    # Recount by hand from the order: records screened until 29 of the 30 included are found.
    found, needed = 0, 0
    for needed, index in enumerate(result.order, start=1):  # noqa: B007
        found += labels[index]
        if found == 29:
            break
    assert result.records_for_recall(0.95) == needed
    assert result.wss(0.95) == pytest.approx((600 - needed) / 600 - 0.05)
    # Random order needs about 29 * 601 / 31 = 562 records; prioritising needs far fewer.
    assert needed < 562 / 4
    assert "WSS@95" in result.summary()


@pytest.mark.parametrize("classifier", ["logistic", "svm", "nb"])
def test_it_ranks_unscreened_records_with_each_classifier(classifier: str) -> None:
    texts = [
        "therapeutic alliance in physiotherapy for low back pain",
        "diabetes medication adherence in primary care",
        "working alliance and physiotherapy for neck pain",
        "heart failure telemonitoring",
    ]
    model = ScreeningModel(classifier).fit(texts, [1, 0, -1, -1])
    assert model.ranking().tolist() == [2, 3]
    assert np.isfinite(model.relevance_).all()


def test_it_needs_an_inclusion_and_an_exclusion_to_learn() -> None:
    with pytest.raises(ValueError, match="at least one included and one excluded"):
        ScreeningModel().fit(["alliance and pain", "insulin dosing"], [1, -1])


def test_it_orders_a_reviewers_queue_by_what_was_included_so_far() -> None:
    records = [
        Record("r1", "db", "Therapeutic alliance in physiotherapy for back pain"),
        Record("r2", "db", "Insulin dosing in type 2 diabetes"),
        Record("r3", "db", "Statins and heart failure"),
        Record("r4", "db", "The working alliance and physiotherapy for knee pain"),
    ]
    queue = prioritised_queue(records, {"r1": True, "r2": False}, ["r3", "r4"])
    assert queue == ["r4", "r3"]
    assert prioritised_queue(records, {"r1": True}, ["r3", "r4"]) == ["r3", "r4"]
