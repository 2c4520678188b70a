"""A small made-up instrument that exercises every scoring feature, for engine tests."""

TOY_YAML = """
id: toy
name: Toy instrument
abbreviation: TOY
version: 1.0.0
description: A made-up instrument for testing the engine.
citation:
  text: none
  provenance: &p {verified: false, source: made up for tests}
respondent: patient
validated: false
licence: {status: project, provenance: *p}
response: {min: 1, max: 5, does_not_apply: true, provenance: *p}
items:
  - {id: q1, label: First}
  - {id: q2, label: Second, reverse: true}
  - {id: q3, label: Third}
  - {id: q4, label: Fourth}
  - id: q5
    label: Recoded
    response: {min: 0, max: 4, provenance: *p}
    recode: {0: 0, 1: 0, 2: 0, 3: 1, 4: 1}
scales:
  - id: total
    name: Total
    items: [q1, q2, q3, q4]
    method: sum
    range: [4, 20]
    direction: higher_is_better
    missing: {max_missing: 1, provenance: *p}
    interpretation:
      sd: {value: 4, provenance: *p}
      reliability: {value: 0.84, kind: icc, provenance: *p}
    provenance: *p
  - id: average
    name: Average
    items: [q1, q3]
    method: mean
    range: [1, 5]
    direction: higher_is_worse
    missing: {max_missing: 0, does_not_apply: zero, provenance: *p}
    provenance: *p
  - id: flag
    name: Flag
    items: [q5]
    method: sum
    range: [0, 1]
    direction: higher_is_worse
    optional: true
    missing: {max_missing: 0, provenance: *p}
    provenance: *p
"""
