"""Pipelines: the file that names a run's data, policy, output and allowed use, and its resolved plan.

Owns the pipeline file format (:mod:`~deid.pipeline.models`, :mod:`~deid.pipeline.loader`), reading
inputs as Arrow batches (:mod:`~deid.pipeline.inputs`), the exclusion list (:mod:`~deid.pipeline.consent`)
and plan resolution (:mod:`~deid.pipeline.plan`). A run resolves a :class:`Plan` first and executes that
same plan; to add a pipeline setting, add a described field to :class:`Pipeline`, check it in
``resolve_plan`` and show it in ``render.py``. See docs/release.md.
"""

from deid.pipeline.consent import exclude_persons, load_exclusions
from deid.pipeline.inputs import fingerprint, input_columns, input_files, iter_batches
from deid.pipeline.loader import load_pipeline, pipeline_from_document, pipeline_json_schema
from deid.pipeline.models import PIPELINE_SCHEMA_VERSION, Canaries, InputSpec, Pipeline
from deid.pipeline.plan import Plan, PlannedInput, resolve_plan

__all__ = [
    "PIPELINE_SCHEMA_VERSION",
    "Canaries",
    "InputSpec",
    "Pipeline",
    "Plan",
    "PlannedInput",
    "exclude_persons",
    "fingerprint",
    "input_columns",
    "input_files",
    "iter_batches",
    "load_exclusions",
    "load_pipeline",
    "pipeline_from_document",
    "pipeline_json_schema",
    "resolve_plan",
]
