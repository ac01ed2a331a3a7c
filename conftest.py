"""Doctest collection: skip the framework integrations whose framework is not installed."""

import importlib.util

collect_ignore = [
    f"lrtune/integrations/{name}.py"
    for name, package in (("lightning", "lightning"), ("hf", "transformers"))
    if importlib.util.find_spec(package) is None
]
