"""Every table, imported in one place for Alembic and the tests."""

from bot.db import beat_models as beat_models
from bot.db import health_models as health_models
from bot.db import installation_models as installation_models
from bot.db import rollout_models as rollout_models
from bot.db.models import Base as Base

__all__ = ["Base"]
