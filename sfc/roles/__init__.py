"""What every role process shares: health and metrics endpoints, and running until a signal."""

from sfc.roles.health import HealthServer
from sfc.roles.lifecycle import Service, run_until_signalled

__all__ = ["HealthServer", "Service", "run_until_signalled"]
