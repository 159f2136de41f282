"""The one optimisation model: workload formulas, the headcount LP, and solver handling."""
