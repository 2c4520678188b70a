"""Reports a person reads: self-contained HTML with the figures embedded."""

from alliance.reports.analysis_report import analysis_json, analysis_report

__all__ = ["analysis_json", "analysis_report"]
