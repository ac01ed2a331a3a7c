"""Entry points inside Lightning and Hugging Face training (optional imports).

``lrtune.integrations.lightning`` needs ``lightning``; ``lrtune.integrations.hf`` needs
``transformers``. Neither is imported by ``import lrtune``.
"""

__all__: list[str] = []
