"""Analyse stage: cluster positions into data-driven role families and track their monthly mix.

Input: the `positions` and `findings` frames of `analysis.store.load_frames` (see docs/DESIGN.md).
Output: a fitted `RoleClusterer` (labels, names, `model_info_`), month x cluster shares with
denominators, month-to-month drift (Jensen-Shannon), the report's `RoleMix` and model record.

features (documents, char n-grams) -> model (the estimator, cluster names) -> mix (monthly shares).
"""

from __future__ import annotations

from analysis.cluster.features import TAG_FIELDS, CharNgramCounter, build_documents
from analysis.cluster.mix import (
    ROLE_MIX_FIT_SAMPLE,
    ROLE_MIX_MIN_POSITIONS,
    RoleMix,
    build_model_info,
    build_role_mix,
    cluster_shares,
    monthly_drift,
    shares_wide,
)
from analysis.cluster.model import K_CRITERION, MODEL_VERSION, RoleClusterer

__all__ = [
    "K_CRITERION",
    "MODEL_VERSION",
    "ROLE_MIX_FIT_SAMPLE",
    "ROLE_MIX_MIN_POSITIONS",
    "TAG_FIELDS",
    "CharNgramCounter",
    "RoleClusterer",
    "RoleMix",
    "build_documents",
    "build_model_info",
    "build_role_mix",
    "cluster_shares",
    "monthly_drift",
    "shares_wide",
]
