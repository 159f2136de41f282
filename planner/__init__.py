"""planner: size account-manager and call-centre teams for a telecom branch's "4+1" channels.

Layers: ``planner.data`` (files -> typed objects), ``planner.model`` (the one optimisation model),
``planner.analyses`` (questions users ask, built on the model), ``planner.report`` (what people read).
"""

__version__ = "0.1.0"
