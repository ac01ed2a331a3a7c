"""The LR range test: sweep the learning rate, record the loss, restore everything.

Example:
    >>> from lrtune.rangetest import RangeTestConfig, Sweep
    >>> RangeTestConfig(num_iter=50).sweep.num_iter
    50
"""

from lrtune.rangetest._config import Amp, RangeTestConfig
from lrtune.rangetest._result import RangeTestResult, StopReason
from lrtune.rangetest._runner import ProgressFn, range_test, resolve_device
from lrtune.rangetest._sweep import Sweep, SweepMode

__all__ = [
    "Amp",
    "ProgressFn",
    "RangeTestConfig",
    "RangeTestResult",
    "StopReason",
    "Sweep",
    "SweepMode",
    "range_test",
    "resolve_device",
]
